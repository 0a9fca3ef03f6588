// File: master/lifecycle.h
//
// The life of one batch, as the master sees it, in one transition table
// (as supervise/child_state.h is for one child):
//
//   kStarting --kinds_learned--> kChecking --input_ok--> kRunning
//   kRunning --batch_done--> kStopping
//   kStarting/kChecking/kRunning --stop--> kStopping
//   kStopping --all_exited--> kDone
//
// kinds_learned is the first worker's hello (the input can only be checked
// against the kinds it offers); stop is any reason to end early (a signal,
// --halt, a crash loop, bad input, --list-tasks having printed the kinds);
// all_exited is every child gone and every record written or given up on.
//
// Pure functions; thread-safe.

#ifndef TASKFARM_MASTER_LIFECYCLE_H_
#define TASKFARM_MASTER_LIFECYCLE_H_

namespace taskfarm::master {

enum class Phase { kStarting, kChecking, kRunning, kStopping, kDone };
inline constexpr int kPhaseCount = 5;

enum class PhaseEvent {
  kKindsLearned,  // the first hello: check the input against its kinds
  kInputOk,       // the input checked out and the output is open
  kBatchDone,     // every task reported
  kStop,          // end early
  kAllExited,     // every child gone
};
inline constexpr int kPhaseEventCount = 5;

// The phase after `event` in `phase`; unchanged if the event means nothing
// there.
Phase Next(Phase phase, PhaseEvent event);

const char* PhaseName(Phase phase);
const char* PhaseEventName(PhaseEvent event);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_LIFECYCLE_H_
