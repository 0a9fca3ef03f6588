// File: supervise/child_state.h
//
// The life of one supervised child as an explicit state machine, all of its
// transitions in one table (compare s6-supervise's actions[state][event]):
//
//   kDown --start--> kStarting --ready--> kUp
//   kStarting/kUp --exited--> kBackoff --backoff_done--> kStarting
//   kStarting/kUp --stop--> kStopping --exited--> kDown
//   kBackoff --stop--> kDown
//   any --give_up--> kFailed (never restarted)
//
// Pure functions; thread-safe.

#ifndef TASKFARM_SUPERVISE_CHILD_STATE_H_
#define TASKFARM_SUPERVISE_CHILD_STATE_H_

namespace taskfarm::supervise {

enum class ChildState { kDown, kStarting, kUp, kStopping, kBackoff, kFailed };

enum class ChildEvent {
  kStart,        // the supervisor wants it running
  kReady,        // it said hello
  kExited,       // it was reaped (or could not be spawned)
  kStop,         // the supervisor wants it gone
  kBackoffDone,  // its restart delay has passed
  kGiveUp,       // crash loop: stop restarting
};

// The state after `event` in `state`; unchanged if the event means nothing
// there (a late kReady after kStop, say).
ChildState Next(ChildState state, ChildEvent event);

const char* ChildStateName(ChildState state);

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_CHILD_STATE_H_
