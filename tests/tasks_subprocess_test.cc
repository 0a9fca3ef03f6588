// Tests of Subprocess's helpers and ownership: wait status descriptions,
// that dropping a running program kills and reaps it, and that nothing it
// started outlives it (its process group is killed when it ends, when it
// is dropped, and when its worker dies).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tasks/library/subprocess.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/wait.h"

namespace taskfarm::tasks {
namespace {

// Reads `fd` up to the first newline (or end of file); "" on error.
std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  return line;
}

// A pid printed by a test script.
pid_t ParsePid(absl::string_view text) {
  int pid = 0;
  EXPECT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &pid)) << text;
  return static_cast<pid_t>(pid);
}

// Waits (with a deadline) for `pid` to be gone or a zombie.
bool Dies(pid_t pid) {
  return testutil::WaitUntil([pid] { return !testing::Alive(pid); });
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
  // Killed, and reaped by its guard, which is reaped too.
  EXPECT_TRUE(Dies(pid));
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(Subprocess, RefusesAnArgumentWithANulByte) {
  absl::StatusOr<Subprocess> child =
      Subprocess::Start({"echo", std::string("a\0b", 3)});
  EXPECT_EQ(child.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(child.status().message(),
            "argument 1 (\"a\\000b\") has a NUL byte at offset 1; a program's "
            "arguments cannot contain one (it would be cut there)");
}

TEST(Subprocess, RunsInAProcessGroupOfItsOwn) {
  absl::StatusOr<Subprocess> child =
      Subprocess::Start({"sh", "-c", "read -r a b c d pgrp e < /proc/$$/stat; echo $pgrp"});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(ParsePid(ReadLine(child->stdout_fd())), child->pid());
  EXPECT_NE(child->pid(), getpgrp());
  EXPECT_TRUE(child->Wait().ok());
}

TEST(Subprocess, WhatTheProgramLeftRunningDiesWhenItEnds) {
  absl::StatusOr<Subprocess> child = Subprocess::Start(
      {"sh", "-c", "sleep 1000 >/dev/null 2>&1 & echo $!"});
  ASSERT_TRUE(child.ok()) << child.status();
  const pid_t background = ParsePid(ReadLine(child->stdout_fd()));
  absl::StatusOr<int> status = child->Wait();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(DescribeWaitStatus(*status), "exit 0");
  EXPECT_TRUE(Dies(background)) << "the background sleep outlived its task";
}

TEST(Subprocess, KillEndsTheWholeGroup) {
  pid_t background = 0;
  {
    absl::StatusOr<Subprocess> child =
        Subprocess::Start({"sh", "-c", "sleep 1000 & echo $!; wait"});
    ASSERT_TRUE(child.ok()) << child.status();
    background = ParsePid(ReadLine(child->stdout_fd()));
    ASSERT_TRUE(testing::Alive(background));
    child->Kill();
    EXPECT_EQ(child->Wait().status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_TRUE(Dies(background));
}

TEST(Subprocess, TheGroupDiesWithItsWorkerKilledBySigkill) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t worker = fork();
  ASSERT_GE(worker, 0);
  if (worker == 0) {  // the worker: starts a program with a background child
    absl::StatusOr<Subprocess> child =
        Subprocess::Start({"sh", "-c", "sleep 1000 & echo $!; wait"});
    if (!child.ok()) _exit(1);
    const std::string line = ReadLine(child->stdout_fd()) + "\n";
    (void)!write(pipe_fds[1], line.data(), line.size());
    pause();
    _exit(0);
  }
  close(pipe_fds[1]);
  const pid_t background = ParsePid(ReadLine(pipe_fds[0]));
  close(pipe_fds[0]);
  ASSERT_GT(background, 0);
  ASSERT_TRUE(testing::Alive(background));
  kill(worker, SIGKILL);  // no chance to clean up
  int status = 0;
  ASSERT_EQ(waitpid(worker, &status, 0), worker);
  EXPECT_TRUE(Dies(background)) << "the background sleep outlived its worker";
  if (testing::Alive(background)) kill(background, SIGKILL);
}

}  // namespace
}  // namespace taskfarm::tasks
