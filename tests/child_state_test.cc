// Tests of supervise::Next, the one table holding every transition of a
// supervised child: all 6 states x 6 events, spelled out.

#include "supervise/child_state.h"

#include "gtest/gtest.h"
#include "tests/testutil/printers.h"

namespace taskfarm::supervise {
namespace {

using E = ChildEvent;
using S = ChildState;

const char* EventName(ChildEvent e) {
  switch (e) {
    case E::kStart:
      return "start";
    case E::kReady:
      return "ready";
    case E::kExited:
      return "exited";
    case E::kStop:
      return "stop";
    case E::kBackoffDone:
      return "backoff_done";
    case E::kGiveUp:
      return "give_up";
  }
  return "?";
}

constexpr S kAllStates[] = {S::kDown,     S::kStarting, S::kUp,
                            S::kStopping, S::kBackoff,  S::kFailed};
constexpr E kAllEvents[] = {E::kStart, E::kReady,       E::kExited,
                            E::kStop,  E::kBackoffDone, E::kGiveUp};

TEST(ChildState, EveryTransition) {
  struct Row {
    S state;
    // After start, ready, exited, stop, backoff_done, give_up.
    S next[6];
  };
  // clang-format off
  const Row table[] = {
      // A down child only starts (or is given up).
      {S::kDown,     {S::kStarting, S::kDown,     S::kDown,    S::kDown,     S::kDown,     S::kFailed}},
      // Starting: hello makes it up, death sends it to backoff.
      {S::kStarting, {S::kStarting, S::kUp,       S::kBackoff, S::kStopping, S::kStarting, S::kFailed}},
      {S::kUp,       {S::kUp,       S::kUp,       S::kBackoff, S::kStopping, S::kUp,       S::kFailed}},
      // Stopping ends down when it exits; a late hello changes nothing.
      {S::kStopping, {S::kStopping, S::kStopping, S::kDown,    S::kStopping, S::kStopping, S::kFailed}},
      // Backoff waits for its delay; stop cancels the restart.
      {S::kBackoff,  {S::kBackoff,  S::kBackoff,  S::kBackoff, S::kDown,     S::kStarting, S::kFailed}},
      {S::kFailed,   {S::kFailed,   S::kFailed,   S::kFailed,  S::kFailed,   S::kFailed,   S::kFailed}},
  };
  // clang-format on
  int checked = 0;
  for (const Row& row : table) {
    for (int e = 0; e < 6; ++e) {
      SCOPED_TRACE(testing::Message() << ChildStateName(row.state) << " + "
                                      << EventName(kAllEvents[e]));
      EXPECT_STREQ(ChildStateName(Next(row.state, kAllEvents[e])),
                   ChildStateName(row.next[e]));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 36);
}

TEST(ChildState, FailedIsForever) {
  for (S s : kAllStates) {
    SCOPED_TRACE(ChildStateName(s));
    S after = Next(s, E::kGiveUp);
    EXPECT_EQ(after, S::kFailed);
    for (E e : kAllEvents)
      EXPECT_EQ(Next(after, e), S::kFailed) << EventName(e);
  }
}

TEST(ChildState, OnlyARunningChildCanBeReady) {
  for (S s : kAllStates) {
    SCOPED_TRACE(ChildStateName(s));
    EXPECT_EQ(Next(s, E::kReady) == S::kUp, s == S::kStarting || s == S::kUp);
  }
}

TEST(ChildState, NamesAreDistinct) {
  EXPECT_STREQ(ChildStateName(S::kDown), "down");
  EXPECT_STREQ(ChildStateName(S::kStarting), "starting");
  EXPECT_STREQ(ChildStateName(S::kUp), "up");
  EXPECT_STREQ(ChildStateName(S::kStopping), "stopping");
  EXPECT_STREQ(ChildStateName(S::kBackoff), "backoff");
  EXPECT_STREQ(ChildStateName(S::kFailed), "failed");
}

}  // namespace
}  // namespace taskfarm::supervise
