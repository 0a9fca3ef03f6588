#include "supervise/child_state.h"

namespace taskfarm::supervise {
namespace {

using S = ChildState;

// kTransitions[state][event]; rows in ChildState order, columns in
// ChildEvent order: start, spawn, ready, exited, stop, deadline, give_up.
constexpr ChildState kTransitions[kChildStateCount][kChildEventCount] = {
    /* kDown     */ {S::kPending, S::kDown, S::kDown, S::kDown, S::kDown,
                     S::kDown, S::kFailed},
    /* kPending  */ {S::kPending, S::kStarting, S::kPending, S::kPending,
                     S::kDown, S::kPending, S::kFailed},
    /* kStarting */ {S::kStarting, S::kStarting, S::kUp, S::kBackoff,
                     S::kStopping, S::kHung, S::kLastUp},
    /* kUp       */ {S::kUp, S::kUp, S::kUp, S::kBackoff, S::kStopping, S::kUp,
                     S::kLastUp},
    /* kStopping */ {S::kStopping, S::kStopping, S::kStopping, S::kDown,
                     S::kStopping, S::kKilling, S::kStopping},
    /* kKilling  */ {S::kKilling, S::kKilling, S::kKilling, S::kDown,
                     S::kKilling, S::kKilling, S::kKilling},
    /* kHung     */ {S::kHung, S::kHung, S::kHung, S::kBackoff, S::kKilling,
                     S::kHung, S::kLastUp},
    /* kBackoff  */ {S::kBackoff, S::kBackoff, S::kBackoff, S::kBackoff,
                     S::kDown, S::kPending, S::kFailed},
    /* kLastUp   */ {S::kLastUp, S::kLastUp, S::kLastUp, S::kFailed,
                     S::kStopping, S::kLastUp, S::kLastUp},
    /* kFailed   */ {S::kFailed, S::kFailed, S::kFailed, S::kFailed, S::kFailed,
                     S::kFailed, S::kFailed},
};

}  // namespace

ChildState Next(ChildState state, ChildEvent event) {
  return kTransitions[static_cast<int>(state)][static_cast<int>(event)];
}

bool HasChild(ChildState state) {
  return state == S::kStarting || state == S::kUp || state == S::kStopping ||
         state == S::kKilling || state == S::kHung || state == S::kLastUp;
}

const char* ChildStateName(ChildState state) {
  switch (state) {
    case S::kDown:
      return "down";
    case S::kPending:
      return "pending";
    case S::kStarting:
      return "starting";
    case S::kUp:
      return "up";
    case S::kStopping:
      return "stopping";
    case S::kKilling:
      return "killing";
    case S::kHung:
      return "hung";
    case S::kBackoff:
      return "backoff";
    case S::kLastUp:
      return "last-up";
    case S::kFailed:
      return "failed";
  }
  return "?";
}

const char* ChildEventName(ChildEvent event) {
  switch (event) {
    case ChildEvent::kStart:
      return "start";
    case ChildEvent::kSpawn:
      return "spawn";
    case ChildEvent::kReady:
      return "ready";
    case ChildEvent::kExited:
      return "exited";
    case ChildEvent::kStop:
      return "stop";
    case ChildEvent::kDeadline:
      return "deadline";
    case ChildEvent::kGiveUp:
      return "give_up";
  }
  return "?";
}

}  // namespace taskfarm::supervise
