// Tests of master::Next, the one table holding the batch's lifecycle: all
// 5 phases x 5 events, spelled out.

#include "master/lifecycle.h"

#include "gtest/gtest.h"

namespace taskfarm::master {
namespace {

using E = PhaseEvent;
using P = Phase;

constexpr E kAllEvents[] = {E::kKindsLearned, E::kInputOk, E::kBatchDone,
                            E::kStop, E::kAllExited};

TEST(Lifecycle, EveryTransition) {
  struct Row {
    P phase;
    // After kinds_learned, input_ok, batch_done, stop, all_exited.
    P next[kPhaseEventCount];
  };
  // clang-format off
  const Row table[] = {
      // Before any hello only a stop can end the wait.
      {P::kStarting, {P::kChecking, P::kStarting, P::kStarting, P::kStopping, P::kStarting}},
      {P::kChecking, {P::kChecking, P::kRunning,  P::kChecking, P::kStopping, P::kChecking}},
      {P::kRunning,  {P::kRunning,  P::kRunning,  P::kStopping, P::kStopping, P::kRunning}},
      // Stopping ends only when every child is gone.
      {P::kStopping, {P::kStopping, P::kStopping, P::kStopping, P::kStopping, P::kDone}},
      {P::kDone,     {P::kDone,     P::kDone,     P::kDone,     P::kDone,     P::kDone}},
  };
  // clang-format on
  for (const Row& row : table) {
    for (int e = 0; e < kPhaseEventCount; ++e) {
      SCOPED_TRACE(testing::Message() << PhaseName(row.phase) << " + "
                                      << PhaseEventName(kAllEvents[e]));
      EXPECT_STREQ(PhaseName(Next(row.phase, kAllEvents[e])),
                   PhaseName(row.next[e]));
    }
  }
}

TEST(Lifecycle, OnlyStoppingLeadsToDone) {
  for (P p : {P::kStarting, P::kChecking, P::kRunning}) {
    for (E e : kAllEvents) EXPECT_NE(Next(p, e), P::kDone) << PhaseName(p);
  }
}

}  // namespace
}  // namespace taskfarm::master
