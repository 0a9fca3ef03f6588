// Tests of supervise::ExitStatus: decoding waitpid status words and the
// words people read for them.

#include "supervise/exit_status.h"

#include <signal.h>
#include <sys/wait.h>

#include "gtest/gtest.h"

namespace taskfarm::supervise {
namespace {

TEST(ExitStatus, DecodesWaitStatusWords) {
  EXPECT_EQ(ExitStatus::FromWait(0), (ExitStatus{false, 0}));
  EXPECT_EQ(ExitStatus::FromWait(3 << 8), (ExitStatus{false, 3}));
  EXPECT_EQ(ExitStatus::FromWait(255 << 8), (ExitStatus{false, 255}));
  EXPECT_EQ(ExitStatus::FromWait(SIGSEGV), (ExitStatus{true, SIGSEGV}));
  EXPECT_EQ(ExitStatus::FromWait(SIGKILL | 0x80), (ExitStatus{true, SIGKILL}))
      << "core dump flag";
}

TEST(ExitStatus, OnlyExitZeroIsClean) {
  EXPECT_TRUE((ExitStatus{false, 0}).clean());
  EXPECT_FALSE((ExitStatus{false, 1}).clean());
  EXPECT_FALSE((ExitStatus{true, SIGTERM}).clean());
}

TEST(ExitStatus, SaysWhatHappened) {
  struct Case {
    ExitStatus status;
    const char* words;
  };
  const Case cases[] = {
      {{false, 0}, "exit 0"},       {{false, 3}, "exit 3"},
      {{true, SIGSEGV}, "SIGSEGV"}, {{true, SIGKILL}, "SIGKILL"},
      {{true, SIGTERM}, "SIGTERM"}, {{true, 200}, "signal 200"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.words);
    EXPECT_EQ(c.status.ToString(), c.words);
  }
}

}  // namespace
}  // namespace taskfarm::supervise
