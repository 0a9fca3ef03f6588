// Tests of the exec task kind: results, exit codes, signals, start-up
// failures, output limits, what the child inherits (and must not), the
// per-attempt output files, and that the program dies with its worker.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/files.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::CallContext;
using testutil::ExpectError;
using testutil::ReadFile;
using testutil::RunTask;
using testutil::TempPath;
using testutil::WriteFile;

absl::StatusOr<std::string> Shell(const std::string& script,
                                  const CallContext& context = {}) {
  return RunTask("exec", {"sh", "-c", script}, context);
}

TEST(Exec, ReturnsStdoutWithoutOneTrailingNewline) {
  EXPECT_EQ(RunTask("exec", {"echo", "hi"}).value_or("?"), "hi");
  EXPECT_EQ(Shell("printf 'a\\n\\nb\\n\\n'").value_or("?"), "a\n\nb\n");
  EXPECT_EQ(Shell("printf no-newline").value_or("?"), "no-newline");
  EXPECT_EQ(RunTask("exec", {"true"}).value_or("?"), "");
}

TEST(Exec, PassesArgumentsWithoutAShell) {
  absl::StatusOr<std::string> r =
      RunTask("exec", {"echo", "$HOME", "*", "a  b", "'q'"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "$HOME * a  b 'q'");
}

TEST(Exec, NonZeroExitIsAnErrorWithStderr) {
  ExpectError("exec", {"sh", "-c", "echo out; echo oops >&2; exit 3"},
              absl::StatusCode::kUnknown, "exec: sh: exit 3; stderr: oops");
  ExpectError("exec", {"false"}, absl::StatusCode::kUnknown,
              "exec: false: exit 1");
}

TEST(Exec, KilledBySignalIsAnError) {
  absl::StatusOr<std::string> r = Shell("kill -SEGV $$");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnknown);
  // "(core dumped)" may follow, depending on the machine's core settings.
  EXPECT_TRUE(
      absl::StartsWith(r.status().message(), "exec: sh: killed by SIGSEGV"))
      << r.status();
}

TEST(Exec, StderrInErrorIsItsEnd) {
  absl::StatusOr<std::string> r =
      Shell("head -c 5000 /dev/zero | tr '\\0' e >&2; echo END >&2; exit 1");
  const absl::string_view message = r.status().message();
  EXPECT_TRUE(absl::StartsWith(message, "exec: sh: exit 1; stderr: \u2026e"))
      << message;
  EXPECT_TRUE(absl::EndsWith(message, "eeeEND")) << message;
  EXPECT_LT(message.size(), 1100u);
}

TEST(Exec, MissingProgramIsNotFound) {
  ExpectError("exec", {"nosuchprog", "x"}, absl::StatusCode::kNotFound,
              "exec: nosuchprog: No such file or directory");
}

TEST(Exec, FailedExecveIsReportedFromTheChild) {
  // A path skips the PATH search, so execve itself fails in the child.
  ExpectError("exec", {"/nonexistent/prog"}, absl::StatusCode::kNotFound,
              "exec: /nonexistent/prog: No such file or directory");
  const std::string script = TempPath("not_executable.sh");
  WriteFile(script, "#!/bin/sh\necho hi\n");
  ASSERT_EQ(chmod(script.c_str(), 0644), 0);
  ExpectError("exec", {script}, absl::StatusCode::kPermissionDenied,
              "exec: " + script + ": Permission denied");
}

TEST(Exec, NulByteInAnArgumentIsRefusedNotCut) {
  ExpectError("exec", {"echo", std::string("a\0b", 3)},
              absl::StatusCode::kInvalidArgument,
              "exec: argument 1 (\"a\\000b\") has a NUL byte at offset 1; a "
              "program's arguments cannot contain one (it would be cut there)");
}

TEST(Exec, HugeStdoutIsTruncatedWithANote) {
  absl::StatusOr<std::string> r =
      Shell("head -c 200000 /dev/zero | tr '\\0' x");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, std::string(65536, 'x') + "\u2026[truncated 134464 bytes]");
}

TEST(Exec, ChattyStderrDoesNotDeadlock) {
  // Far more than a pipe buffer on stderr before anything on stdout.
  absl::StatusOr<std::string> r =
      Shell("head -c 3000000 /dev/zero >&2; echo done");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "done");
}

TEST(Exec, StdinIsDevNull) {
  absl::StatusOr<std::string> r = RunTask("exec", {"cat"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "");
}

TEST(Exec, OtherDescriptorsAreClosed) {
  const int fd = open("/dev/null", O_RDONLY);  // inheritable on purpose
  ASSERT_GE(fd, 3);
  absl::StatusOr<std::string> r = Shell(absl::StrCat(
      "[ -e /proc/self/fd/", fd, " ] && echo open || echo closed"));
  close(fd);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "closed");
}

TEST(Exec, IgnoredSignalsAreReset) {
  // A shell cannot undo an ignored signal it inherits, so only the reset
  // in the child lets this kill it.
  struct sigaction ignore = {}, old = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &old);
  absl::StatusOr<std::string> r = Shell("kill -INT $$; echo survived");
  sigaction(SIGINT, &old, nullptr);
  EXPECT_EQ(r.status().message(), "exec: sh: killed by SIGINT");
}

TEST(Exec, BlockedSignalsAreUnblocked) {
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigprocmask(SIG_BLOCK, &term, &old);
  absl::StatusOr<std::string> r = Shell("kill -TERM $$; echo survived");
  sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(r.status().message(), "exec: sh: killed by SIGTERM");
}

TEST(Exec, WritesPerAttemptFilesToResultsDir) {
  CallContext context;
  context.id = 7;
  context.attempt = 2;
  context.env.results_dir = TempPath("results_ok");
  ASSERT_EQ(mkdir(context.env.results_dir.c_str(), 0755), 0);
  absl::StatusOr<std::string> r =
      Shell("echo out; echo err >&2; head -c 100000 /dev/zero", context);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string base = context.env.results_dir + "/7.2";
  EXPECT_EQ(ReadFile(base + ".stdout"), "out\n" + std::string(100000, '\0'));
  EXPECT_EQ(ReadFile(base + ".stderr"), "err\n");
}

TEST(Exec, WritesFilesForFailedAttemptsToo) {
  CallContext context;
  context.id = 3;
  context.env.results_dir = TempPath("results_fail");
  ASSERT_EQ(mkdir(context.env.results_dir.c_str(), 0755), 0);
  absl::StatusOr<std::string> r = Shell("echo bad >&2; exit 4", context);
  EXPECT_EQ(r.status().message(), "exec: sh: exit 4; stderr: bad");
  EXPECT_EQ(ReadFile(context.env.results_dir + "/3.1.stdout"), "");
  EXPECT_EQ(ReadFile(context.env.results_dir + "/3.1.stderr"), "bad\n");
}

TEST(Exec, MissingResultsDirIsAnError) {
  CallContext context;
  context.env.results_dir = TempPath("no_such_dir");
  absl::StatusOr<std::string> r = RunTask("exec", {"echo", "hi"}, context);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "exec: echo: cannot create " +
                                      context.env.results_dir +
                                      "/1.1.stdout: No such file or directory");
}

TEST(Exec, ProgramDiesWithItsWorker) {
  const std::string fifo = TempPath("pid_fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const pid_t worker = fork();
  ASSERT_GE(worker, 0);
  if (worker == 0) {  // the worker: runs a program that outlives the test
    (void)Shell(absl::StrCat("echo $$ > ", fifo, "; exec sleep 1000"));
    _exit(0);
  }
  // The program's pid, once it is running.
  int program = 0;
  ASSERT_TRUE(absl::SimpleAtoi(ReadFile(fifo), &program));
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, program, 0));
  ASSERT_GE(pidfd, 0);
  kill(worker, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(worker, &status, 0), worker);
  // The pidfd becomes readable when the program exits; the timeout only
  // turns a failure into a test failure instead of a hang.
  pollfd exited = {pidfd, POLLIN, 0};
  EXPECT_EQ(poll(&exited, 1, 30'000), 1) << "the program outlived its worker";
  close(pidfd);
  kill(program, SIGKILL);  // in case it did
}

}  // namespace
}  // namespace taskfarm
