// Tests of the master's exit-code decision (master/exit_code.h): the first
// reason to stop wins, except a crash loop; an unstopped batch ends 0 or 1
// by its tasks; records the logger never confirmed turn an ordinary end
// into 4, but not a signal's.

#include "master/exit_code.h"

#include "gtest/gtest.h"

namespace taskfarm::master {
namespace {

const StopReason kSigterm{143, "interrupted by SIGTERM"};
const StopReason kCrashLoop{3, "crash loop"};
const StopReason kHaltFailed{1, "halted"};
const StopReason kHaltOk{0, "halted"};
const StopReason kOutput{4, "the output cannot be written"};

TEST(ExitCode, FirstReasonWins) {
  EXPECT_EQ(Prevailing(std::nullopt, kSigterm), kSigterm);
  EXPECT_EQ(Prevailing(kSigterm, kHaltFailed), kSigterm);
  EXPECT_EQ(Prevailing(kOutput, kSigterm), kOutput);
}

TEST(ExitCode, CrashLoopReplacesAnyOtherReason) {
  EXPECT_EQ(Prevailing(kSigterm, kCrashLoop), kCrashLoop);
  EXPECT_EQ(Prevailing(kHaltOk, kCrashLoop), kCrashLoop);
  const StopReason later{3, "another crash loop"};
  EXPECT_EQ(Prevailing(kCrashLoop, later), kCrashLoop) << "the first one stays";
}

TEST(ExitCode, UnstoppedBatchEndsByItsTasks) {
  EXPECT_EQ(FinalOutcome(std::nullopt, true, 0), (StopReason{0, "done"}));
  EXPECT_EQ(FinalOutcome(std::nullopt, true, 3),
            (StopReason{1, "done; some tasks failed"}));
}

TEST(ExitCode, UnconfirmedRecordsNeverEndZeroOrOne) {
  for (const std::optional<StopReason>& reason :
       {std::optional<StopReason>(), std::optional<StopReason>(kHaltOk),
        std::optional<StopReason>(kHaltFailed)}) {
    for (uint64_t failed : {0, 2}) {
      EXPECT_EQ(FinalOutcome(reason, false, failed).code, 4);
    }
  }
}

TEST(ExitCode, AStoppedBatchKeepsItsReason) {
  EXPECT_EQ(FinalOutcome(kSigterm, false, 5), kSigterm);
  EXPECT_EQ(FinalOutcome(kCrashLoop, false, 0), kCrashLoop);
  EXPECT_EQ(FinalOutcome(kHaltFailed, true, 0), kHaltFailed);
  EXPECT_EQ(FinalOutcome(kHaltOk, true, 7), kHaltOk);
}

}  // namespace
}  // namespace taskfarm::master
