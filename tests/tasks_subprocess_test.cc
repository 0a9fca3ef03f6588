// Tests of Subprocess's helpers and ownership: PATH lookup, wait status
// descriptions, and that dropping a running child kills and reaps it.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tasks/library/subprocess.h"

namespace taskfarm::tasks {
namespace {

TEST(FindProgram, SearchesPath) {
  absl::StatusOr<std::string> sh = FindProgram("sh");
  ASSERT_TRUE(sh.ok()) << sh.status();
  EXPECT_TRUE(absl::EndsWith(*sh, "/sh")) << *sh;
  EXPECT_EQ(access(sh->c_str(), X_OK), 0);
}

TEST(FindProgram, TakesPathsAsTheyAre) {
  EXPECT_EQ(FindProgram("./x").value_or(""), "./x");
  EXPECT_EQ(FindProgram("/no/such").value_or(""), "/no/such");
}

TEST(FindProgram, MissingIsNotFound) {
  absl::StatusOr<std::string> r = FindProgram("no-such-program-here");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "no-such-program-here: No such file or directory");
}

TEST(DescribeWaitStatus, ExitsAndSignals) {
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(0, 0)), "exit 0");
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(3, 0)), "exit 3");
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(0, SIGKILL)), "killed by SIGKILL");
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(0, SIGSEGV) | WCOREFLAG),
            "killed by SIGSEGV (core dumped)");
}

TEST(Subprocess, EmptyArgvIsInvalid) {
  EXPECT_EQ(Subprocess::Start({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Subprocess::Start({""}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Subprocess, WaitReturnsTheExitStatus) {
  absl::StatusOr<Subprocess> child = Subprocess::Start({"sh", "-c", "exit 5"});
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<int> status = child->Wait();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(DescribeWaitStatus(*status), "exit 5");
  EXPECT_EQ(child->Wait().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Subprocess, DestructorKillsAndReapsARunningChild) {
  pid_t pid = 0;
  {
    absl::StatusOr<Subprocess> child = Subprocess::Start({"sleep", "1000"});
    ASSERT_TRUE(child.ok()) << child.status();
    pid = child->pid();
  }
  // Reaped: the pid is no longer our child.
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace taskfarm::tasks
