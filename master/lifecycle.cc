#include "master/lifecycle.h"

namespace taskfarm::master {
namespace {

using P = Phase;

// kTransitions[phase][event]; columns in PhaseEvent order: kinds_learned,
// input_ok, batch_done, stop, all_exited.
constexpr Phase kTransitions[kPhaseCount][kPhaseEventCount] = {
    /* kStarting */ {P::kChecking, P::kStarting, P::kStarting, P::kStopping,
                     P::kStarting},
    /* kChecking */ {P::kChecking, P::kRunning, P::kChecking, P::kStopping,
                     P::kChecking},
    /* kRunning  */ {P::kRunning, P::kRunning, P::kStopping, P::kStopping,
                     P::kRunning},
    /* kStopping */ {P::kStopping, P::kStopping, P::kStopping, P::kStopping,
                     P::kDone},
    /* kDone     */ {P::kDone, P::kDone, P::kDone, P::kDone, P::kDone},
};

}  // namespace

Phase Next(Phase phase, PhaseEvent event) {
  return kTransitions[static_cast<int>(phase)][static_cast<int>(event)];
}

const char* PhaseName(Phase phase) {
  switch (phase) {
    case P::kStarting:
      return "starting";
    case P::kChecking:
      return "checking";
    case P::kRunning:
      return "running";
    case P::kStopping:
      return "stopping";
    case P::kDone:
      return "done";
  }
  return "?";
}

const char* PhaseEventName(PhaseEvent event) {
  switch (event) {
    case PhaseEvent::kKindsLearned:
      return "kinds_learned";
    case PhaseEvent::kInputOk:
      return "input_ok";
    case PhaseEvent::kBatchDone:
      return "batch_done";
    case PhaseEvent::kStop:
      return "stop";
    case PhaseEvent::kAllExited:
      return "all_exited";
  }
  return "?";
}

}  // namespace taskfarm::master
