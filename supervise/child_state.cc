#include "supervise/child_state.h"

namespace taskfarm::supervise {
namespace {

constexpr int kStates = 6;
constexpr int kEvents = 6;
using S = ChildState;

// kTransitions[state][event]; rows in ChildState order, columns in
// ChildEvent order: start, ready, exited, stop, backoff_done, give_up.
constexpr ChildState kTransitions[kStates][kEvents] = {
    /* kDown     */ {S::kStarting, S::kDown, S::kDown, S::kDown, S::kDown,
                     S::kFailed},
    /* kStarting */ {S::kStarting, S::kUp, S::kBackoff, S::kStopping,
                     S::kStarting, S::kFailed},
    /* kUp       */ {S::kUp, S::kUp, S::kBackoff, S::kStopping, S::kUp,
                     S::kFailed},
    /* kStopping */ {S::kStopping, S::kStopping, S::kDown, S::kStopping,
                     S::kStopping, S::kFailed},
    /* kBackoff  */ {S::kBackoff, S::kBackoff, S::kBackoff, S::kDown,
                     S::kStarting, S::kFailed},
    /* kFailed   */ {S::kFailed, S::kFailed, S::kFailed, S::kFailed,
                     S::kFailed, S::kFailed},
};

}  // namespace

ChildState Next(ChildState state, ChildEvent event) {
  return kTransitions[static_cast<int>(state)][static_cast<int>(event)];
}

const char* ChildStateName(ChildState state) {
  switch (state) {
    case S::kDown:
      return "down";
    case S::kStarting:
      return "starting";
    case S::kUp:
      return "up";
    case S::kStopping:
      return "stopping";
    case S::kBackoff:
      return "backoff";
    case S::kFailed:
      return "failed";
  }
  return "?";
}

}  // namespace taskfarm::supervise
