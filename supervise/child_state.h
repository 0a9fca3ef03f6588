// File: supervise/child_state.h
//
// The life of one supervised slot as an explicit state machine, all of its
// transitions in one table (compare s6-supervise's actions[state][event]),
// including the slot that has no child (down, pending, backoff, failed),
// the restart delay (backoff) and the kill escalation (stopping, killing):
//
//   kDown --start--> kPending --spawn--> kStarting --ready--> kUp
//   kStarting/kUp --exited--> kBackoff --deadline--> kPending
//   kStarting/kUp --stop--> kStopping --deadline--> kKilling
//   kStarting --deadline--> kHung --exited--> kBackoff (no hello in time:
//                                                     SIGKILL, restart)
//   kStopping/kKilling --exited--> kDown
//   kPending/kBackoff --stop--> kDown
//   kStarting/kUp --give_up--> kLastUp --exited--> kFailed
//   kDown/kPending/kBackoff --give_up--> kFailed (never started again)
//
// kPending is a slot that wants a child and waits for its turn (the
// supervisor starts a bounded number at once); `spawn` is that turn. A
// child that cannot even be spawned goes through `exited` at once. kLastUp
// is s6's LASTUP: running, but not to be restarted.
//
// Pure functions; thread-safe.

#ifndef TASKFARM_SUPERVISE_CHILD_STATE_H_
#define TASKFARM_SUPERVISE_CHILD_STATE_H_

namespace taskfarm::supervise {

enum class ChildState {
  kDown,      // no child, none wanted
  kPending,   // no child yet: waiting for its turn to be spawned
  kStarting,  // spawned, has not said hello
  kUp,        // said hello
  kStopping,  // asked to stop; killed at its deadline
  kKilling,   // SIGKILL sent; waiting for it to be reaped
  kHung,      // no hello in time: SIGKILL sent; restarted once reaped
  kBackoff,   // dead; restarted at its deadline
  kLastUp,    // running, but given up on: not restarted when it exits
  kFailed,    // given up: never started again
};
inline constexpr int kChildStateCount = 10;

enum class ChildEvent {
  kStart,     // the supervisor wants it running
  kSpawn,     // its turn to be spawned came
  kReady,     // it said hello
  kExited,    // it was reaped (or could not be spawned)
  kStop,      // the supervisor wants it gone
  kDeadline,  // its timer (restart delay, stop grace, hello) ran out
  kGiveUp,    // crash loop: stop restarting
};
inline constexpr int kChildEventCount = 7;

// The state after `event` in `state`; unchanged if the event means nothing
// there (a late kReady after kStop, say).
ChildState Next(ChildState state, ChildEvent event);

// Whether a slot in `state` has a child process.
bool HasChild(ChildState state);

const char* ChildStateName(ChildState state);
const char* ChildEventName(ChildEvent event);

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_CHILD_STATE_H_
