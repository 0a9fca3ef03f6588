// Tests of supervise::Next, the one table holding every transition of a
// supervised slot: all 10 states x 7 events, spelled out.

#include "supervise/child_state.h"

#include "gtest/gtest.h"
#include "tests/testutil/printers.h"

namespace taskfarm::supervise {
namespace {

using E = ChildEvent;
using S = ChildState;

constexpr S kAllStates[] = {S::kDown,    S::kPending, S::kStarting, S::kUp,
                            S::kStopping, S::kKilling, S::kHung,     S::kBackoff,
                            S::kLastUp,  S::kFailed};
constexpr E kAllEvents[] = {E::kStart,  E::kSpawn,    E::kReady, E::kExited,
                            E::kStop,   E::kDeadline, E::kGiveUp};

TEST(ChildState, EveryTransition) {
  struct Row {
    S state;
    // After start, spawn, ready, exited, stop, deadline, give_up.
    S next[kChildEventCount];
  };
  // clang-format off
  const Row table[] = {
      // A down slot only starts (or is given up).
      {S::kDown,     {S::kPending,  S::kDown,     S::kDown,     S::kDown,    S::kDown,     S::kDown,     S::kFailed}},
      // Pending waits for its turn; stop cancels it.
      {S::kPending,  {S::kPending,  S::kStarting, S::kPending,  S::kPending, S::kDown,     S::kPending,  S::kFailed}},
      // Starting: hello makes it up, death sends it to backoff.
      // A child that does not say hello in time is killed (hung).
      {S::kStarting, {S::kStarting, S::kStarting, S::kUp,       S::kBackoff, S::kStopping, S::kHung,     S::kLastUp}},
      {S::kUp,       {S::kUp,       S::kUp,       S::kUp,       S::kBackoff, S::kStopping, S::kUp,       S::kLastUp}},
      // Stopping ends down when it exits, or is killed at its deadline; a
      // late hello changes nothing.
      {S::kStopping, {S::kStopping, S::kStopping, S::kStopping, S::kDown,    S::kStopping, S::kKilling,  S::kStopping}},
      {S::kKilling,  {S::kKilling,  S::kKilling,  S::kKilling,  S::kDown,    S::kKilling,  S::kKilling,  S::kKilling}},
      // Hung: killed; it is restarted once reaped, unless stopped meanwhile.
      {S::kHung,     {S::kHung,     S::kHung,     S::kHung,     S::kBackoff, S::kKilling,  S::kHung,     S::kLastUp}},
      // Backoff waits for its delay; stop cancels the restart.
      {S::kBackoff,  {S::kBackoff,  S::kBackoff,  S::kBackoff,  S::kBackoff, S::kDown,     S::kPending,  S::kFailed}},
      // Given up while running: never restarted, stopped as usual.
      {S::kLastUp,   {S::kLastUp,   S::kLastUp,   S::kLastUp,   S::kFailed,  S::kStopping, S::kLastUp,   S::kLastUp}},
      {S::kFailed,   {S::kFailed,   S::kFailed,   S::kFailed,   S::kFailed,  S::kFailed,   S::kFailed,   S::kFailed}},
  };
  // clang-format on
  int checked = 0;
  for (const Row& row : table) {
    for (int e = 0; e < kChildEventCount; ++e) {
      SCOPED_TRACE(testing::Message() << ChildStateName(row.state) << " + "
                                      << ChildEventName(kAllEvents[e]));
      EXPECT_STREQ(ChildStateName(Next(row.state, kAllEvents[e])),
                   ChildStateName(row.next[e]));
      ++checked;
    }
  }
  EXPECT_EQ(checked, kChildStateCount * kChildEventCount);
}

TEST(ChildState, FailedIsForever) {
  for (E e : kAllEvents) {
    EXPECT_EQ(Next(S::kFailed, e), S::kFailed) << ChildEventName(e);
  }
}

TEST(ChildState, GivenUpNeverStartsAgain) {
  // Whatever happens to its child after give_up, no path leads back to a
  // restart. (A slot that ends down is not started again: SlotBook turns
  // a start after give-up into give_up.)
  for (S s : kAllStates) {
    SCOPED_TRACE(ChildStateName(s));
    S after = Next(s, E::kGiveUp);
    for (E e : {E::kExited, E::kDeadline, E::kSpawn, E::kGiveUp}) {
      after = Next(after, e);
      EXPECT_NE(after, S::kPending) << ChildEventName(e);
      EXPECT_NE(after, S::kBackoff) << ChildEventName(e);
    }
  }
}

TEST(ChildState, OnlyARunningChildCanBeReady) {
  for (S s : kAllStates) {
    SCOPED_TRACE(ChildStateName(s));
    EXPECT_EQ(Next(s, E::kReady) == S::kUp, s == S::kStarting || s == S::kUp);
  }
}

TEST(ChildState, ExactlyTheStatesWithAChildCanExit) {
  for (S s : kAllStates) {
    SCOPED_TRACE(ChildStateName(s));
    EXPECT_EQ(Next(s, E::kExited) != s, HasChild(s));
  }
}

TEST(ChildState, NamesAreDistinct) {
  for (S a : kAllStates) {
    for (S b : kAllStates) {
      if (a != b) EXPECT_STRNE(ChildStateName(a), ChildStateName(b));
    }
  }
  for (E a : kAllEvents) {
    for (E b : kAllEvents) {
      if (a != b) EXPECT_STRNE(ChildEventName(a), ChildEventName(b));
    }
  }
}

}  // namespace
}  // namespace taskfarm::supervise
