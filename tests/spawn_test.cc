// Tests of base::Spawn and its pieces with real processes: a failed exec
// comes back as the child's errno (never exit 127), NUL bytes are refused,
// descriptors and signals are what the child should start with, and
// CloseAllExcept keeps exactly what it is told to.

#include "base/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/files.h"

namespace taskfarm::base {
namespace {

// The wait status of `pid`.
int Reap(pid_t pid) {
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  return status;
}

TEST(Spawn, RunsAProgramAndReturnsItsPid) {
  absl::StatusOr<pid_t> pid = Spawn({.argv = {"/bin/sh", "-c", "exit 7"}});
  ASSERT_TRUE(pid.ok()) << pid.status();
  const int status = Reap(*pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
}

TEST(Spawn, FailedExecIsTheChildsErrnoAndTheChildIsReaped) {
  absl::StatusOr<pid_t> missing = Spawn({.argv = {"/nonexistent/prog"}});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "/nonexistent/prog: No such file or directory");
  const std::string script = testutil::TempPath("not_executable");
  testutil::WriteFile(script, "#!/bin/sh\n");
  ASSERT_EQ(chmod(script.c_str(), 0644), 0);
  absl::StatusOr<pid_t> denied = Spawn({.argv = {script}});
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1) << "a failed child was left";
}

// What `spec` writes to its stdout, once it exited.
std::string Output(ExecSpec spec) {
  const std::string out = testutil::TempPath("stdout");
  const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  EXPECT_GE(fd, 3);
  spec.stdout_fd = fd;
  absl::StatusOr<pid_t> pid = Spawn(std::move(spec));
  close(fd);
  EXPECT_TRUE(pid.ok()) << pid.status();
  if (pid.ok()) Reap(*pid);
  return testutil::ReadFile(out);
}

TEST(Spawn, PathIsRunWithArgvZeroAsGiven) {
  EXPECT_EQ(Output({.argv = {"shown-name", "-c", "echo $0"}, .path = "/bin/sh"}),
            "shown-name\n");
}

TEST(Spawn, EnvironmentEntriesAreAdded) {
  EXPECT_EQ(Output({.argv = {"/bin/sh", "-c", "echo \"$TF_SPAWN_TEST\""},
                    .extra_env = {"TF_SPAWN_TEST=yes"}}),
            "yes\n");
}

TEST(Spawn, NewSessionAndNewGroup) {
  for (bool session : {true, false}) {
    SCOPED_TRACE(session ? "session" : "group");
    absl::StatusOr<pid_t> pid =
        Spawn({.argv = {"/bin/sleep", "1000"},
               .new_session = session,
               .new_process_group = !session});
    ASSERT_TRUE(pid.ok()) << pid.status();
    EXPECT_EQ(getpgid(*pid), *pid);
    EXPECT_EQ(getsid(*pid) == *pid, session);
    kill(*pid, SIGKILL);
    Reap(*pid);
  }
}

TEST(ExecPlan, RefusesNulBytesAndEmptyCommands) {
  EXPECT_EQ(ExecPlan::Check({}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExecPlan::Check({.argv = {""}}).message(), "no program given");
  absl::Status nul = ExecPlan::Check({.argv = {"echo", "ok", std::string("x\0y", 3)}});
  EXPECT_EQ(nul.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(nul.message(),
            "argument 2 (\"x\\000y\") has a NUL byte at offset 1; a program's "
            "arguments cannot contain one (it would be cut there)");
  EXPECT_EQ(ExecPlan::Check({.argv = {"env"}, .extra_env = {std::string("A=\0", 3)}})
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Spawn({.argv = {"/bin/echo", std::string("a\0b", 3)}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CloseAllExcept, KeepsOnlyWhatItIsTold) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int fds[6];
    for (int& fd : fds) fd = open("/dev/null", O_RDONLY);
    const int keep[] = {fds[4], fds[1]};  // any order
    CloseAllExcept(keep, 2);
    bool right = fcntl(fds[1], F_GETFD) >= 0 && fcntl(fds[4], F_GETFD) >= 0;
    for (int i : {0, 2, 3, 5}) right = right && fcntl(fds[i], F_GETFD) < 0;
    right = right && fcntl(0, F_GETFD) >= 0;  // stdio is kept
    _exit(right ? 0 : 1);
  }
  const int status = Reap(child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace taskfarm::base
