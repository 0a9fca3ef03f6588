// Tests of supervise::ChildProcess with real processes (/bin/sh, sleep):
// how children end and are reaped, exec failures, SIGTERM then SIGKILL on
// Stop, the destructor, and what a child starts with (its own session,
// default signals, the extra environment, no leaked descriptors, death
// with its parent). Waits are on conditions with generous deadlines.

#include "supervise/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/children.h"
#include "tests/testutil/files.h"
#include "tests/testutil/wait.h"

namespace taskfarm::supervise {
namespace {

using std::chrono::milliseconds;

absl::StatusOr<ChildProcess> Shell(const std::string& script,
                                   const SpawnOptions& options = {}) {
  return ChildProcess::Spawn({"/bin/sh", "-c", script}, options);
}

// How `child` ended; fails the test if it is still running at the deadline.
ExitStatus WaitExit(ChildProcess& child) {
  std::optional<ExitStatus> st = child.WaitFor(testutil::kWaitDeadline);
  EXPECT_TRUE(st.has_value()) << "child " << child.pid() << " still running";
  return st.value_or(ExitStatus{true, -1});
}

// Whether `pid` is gone or a zombie (dead, not yet reaped by its parent).
bool Dead(pid_t pid) {
  std::string stat;
  {
    std::string path = absl::StrCat("/proc/", pid, "/stat");
    if (!testutil::FileExists(path)) return true;
    stat = testutil::ReadFile(path);
  }
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() &&
         stat[paren + 2] == 'Z';
}

// Whether this process has a child (running or zombie) left.
bool HasChildren() {
  int status;
  return !(waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD);
}

absl::StatusOr<ChildProcess> Stubborn(const std::string& ready,
                                      milliseconds stop_grace) {
  SpawnOptions options;
  options.stop_grace = stop_grace;
  return ChildProcess::Spawn(testutil::IgnoresSigterm(ready), options);
}

absl::StatusOr<ChildProcess> Sleeper(const SpawnOptions& options = {}) {
  return ChildProcess::Spawn(testutil::SleepsForever(), options);
}

TEST(ChildProcess, ReportsHowTheChildEnded) {
  struct Case {
    std::string script;
    ExitStatus status;
    std::string words;
  };
  const Case cases[] = {
      {"exit 0", {false, 0}, "exit 0"},
      {"exit 3", {false, 3}, "exit 3"},
      {"kill -SEGV $$", {true, SIGSEGV}, "SIGSEGV"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.script);
    absl::StatusOr<ChildProcess> child = Shell(c.script);
    ASSERT_TRUE(child.ok()) << child.status();
    EXPECT_GT(child->pid(), 0);
    ExitStatus st = WaitExit(*child);
    EXPECT_EQ(st, c.status);
    EXPECT_EQ(st.ToString(), c.words);
    EXPECT_FALSE(child->running());
    EXPECT_EQ(child->exit_status(), c.status);
    EXPECT_EQ(child->TryReap(), c.status) << "a second reap forgot the status";
  }
}

TEST(ChildProcess, RunsAProgramByPath) {
  absl::StatusOr<ChildProcess> child = ChildProcess::Spawn({"/bin/true"}, {});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_TRUE(WaitExit(*child).clean());
}

TEST(ChildProcess, ExecFailureIsAnErrorNotAZombie) {
  ASSERT_FALSE(HasChildren());
  const std::string missing = "/nonexistent/taskfarm-worker";
  absl::StatusOr<ChildProcess> child = ChildProcess::Spawn({missing}, {});
  EXPECT_EQ(child.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      child.status().message(),
      absl::StrCat("cannot run ", missing, ": No such file or directory"));
  EXPECT_FALSE(HasChildren()) << "the failed child was not reaped";
}

TEST(ChildProcess, ExecOfAFileWithoutExecutePermissionIsDenied) {
  std::string path = testutil::TempPath("not-executable");
  testutil::WriteFile(path, "#!/bin/sh\nexit 0\n");
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  absl::StatusOr<ChildProcess> child = ChildProcess::Spawn({path}, {});
  EXPECT_EQ(child.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(HasChildren());
}

TEST(ChildProcess, EmptyCommandIsInvalid) {
  EXPECT_EQ(ChildProcess::Spawn({}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ChildProcess, RunningChildIsNotReaped) {
  absl::StatusOr<ChildProcess> child = Sleeper();
  ASSERT_TRUE(child.ok());
  EXPECT_TRUE(child->running());
  EXPECT_FALSE(child->TryReap().has_value());
  EXPECT_FALSE(child->WaitFor(milliseconds(1)).has_value());
  child->Kill(SIGUSR1);
  EXPECT_EQ(WaitExit(*child), (ExitStatus{true, SIGUSR1}));
}

TEST(ChildProcess, StopAsksWithSigterm) {
  absl::StatusOr<ChildProcess> child = Sleeper();
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->Stop(), (ExitStatus{true, SIGTERM}));
  EXPECT_FALSE(child->running());
  EXPECT_EQ(child->Stop(), (ExitStatus{true, SIGTERM})) << "not idempotent";
}

TEST(ChildProcess, StopEscalatesToSigkillForAChildIgnoringSigterm) {
  const std::string ready = testutil::TempPath("ready");
  absl::StatusOr<ChildProcess> child = Stubborn(ready, milliseconds(100));
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE(testutil::WaitUntil([&] { return testutil::FileExists(ready); }));
  EXPECT_EQ(child->Stop(), (ExitStatus{true, SIGKILL}));
  EXPECT_TRUE(Dead(child->pid()));
}

TEST(ChildProcess, DestructorStopsAndReapsTheChild) {
  const std::string ready = testutil::TempPath("ready");
  pid_t cooperative = 0, stubborn = 0;
  {
    absl::StatusOr<ChildProcess> a = Sleeper();
    absl::StatusOr<ChildProcess> b = Stubborn(ready, milliseconds(100));
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE(
        testutil::WaitUntil([&] { return testutil::FileExists(ready); }));
    cooperative = a->pid();
    stubborn = b->pid();
  }
  // Reaped: not even a zombie is left to signal.
  EXPECT_EQ(kill(cooperative, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_EQ(kill(stubborn, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_FALSE(HasChildren());
}

TEST(ChildProcess, MoveAssignmentStopsTheChildItReplaces) {
  absl::StatusOr<ChildProcess> a = Sleeper();
  absl::StatusOr<ChildProcess> b = Sleeper();
  ASSERT_TRUE(a.ok() && b.ok());
  const pid_t old_pid = a->pid(), new_pid = b->pid();
  *a = *std::move(b);
  EXPECT_EQ(a->pid(), new_pid);
  EXPECT_TRUE(a->running());
  EXPECT_EQ(kill(old_pid, 0), -1) << "replaced child left running or unreaped";
  EXPECT_FALSE(b->running());  // the moved-from object owns nothing
  EXPECT_EQ(a->Stop(), (ExitStatus{true, SIGTERM}));
}

TEST(ChildProcess, ChildRunsInItsOwnSessionUnlessAskedNotTo) {
  absl::StatusOr<ChildProcess> own = Sleeper();
  SpawnOptions shared_options;
  shared_options.new_session = false;
  absl::StatusOr<ChildProcess> shared = Sleeper(shared_options);
  ASSERT_TRUE(own.ok() && shared.ok());
  EXPECT_EQ(getsid(own->pid()), own->pid());
  EXPECT_EQ(getsid(shared->pid()), getsid(0));
}

TEST(ChildProcess, ChildStartsWithDefaultSignalsWhateverTheParentHas) {
  struct sigaction ignore {
  }, old_action{};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGUSR1, &ignore, &old_action), 0);
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &block, &old_mask), 0);

  absl::StatusOr<ChildProcess> ignored = Shell("kill -USR1 $$; exit 0");
  absl::StatusOr<ChildProcess> blocked = Shell("kill -USR2 $$; exit 0");

  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGUSR1, &old_action, nullptr);
  ASSERT_TRUE(ignored.ok() && blocked.ok());
  EXPECT_EQ(WaitExit(*ignored), (ExitStatus{true, SIGUSR1}));
  EXPECT_EQ(WaitExit(*blocked), (ExitStatus{true, SIGUSR2}));
}

TEST(ChildProcess, ChildGetsTheExtraEnvironmentAndTheParents) {
  ASSERT_EQ(setenv("TASKFARM_TEST_PARENT", "inherited", 1), 0);
  SpawnOptions options;
  options.env = {"TASKFARM_TEST_EXTRA=42"};
  absl::StatusOr<ChildProcess> child = Shell(
      "test \"$TASKFARM_TEST_EXTRA\" = 42 && test \"$TASKFARM_TEST_PARENT\" = "
      "inherited",
      options);
  unsetenv("TASKFARM_TEST_PARENT");
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(WaitExit(*child), (ExitStatus{false, 0}));
}

TEST(ChildProcess, DescriptorsWithoutCloexecDoNotLeakIntoTheChild) {
  int fd = open("/dev/null", O_RDONLY);  // deliberately not O_CLOEXEC
  ASSERT_GE(fd, 3);
  absl::StatusOr<ChildProcess> child =
      Shell(absl::StrCat("test ! -e /proc/self/fd/", fd));
  close(fd);
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(WaitExit(*child), (ExitStatus{false, 0}))
      << "fd " << fd << " leaked";
}

// A parent that dies without stopping its child (no destructor runs after
// _exit) still takes the child with it: PR_SET_PDEATHSIG.
TEST(ChildProcessDeathTest, ChildDiesWithItsParent) {
  const std::string pid_file = testutil::TempPath("grandchild.pid");
  EXPECT_EXIT(
      {
        absl::StatusOr<ChildProcess> child = Sleeper();
        if (!child.ok()) _exit(1);
        testutil::WriteFile(pid_file, absl::StrCat(child->pid()));
        _exit(0);
      },
      testing::ExitedWithCode(0), "");
  int grandchild = 0;
  ASSERT_TRUE(absl::SimpleAtoi(testutil::ReadFile(pid_file), &grandchild));
  EXPECT_TRUE(testutil::WaitUntil([&] { return Dead(grandchild); }))
      << "orphan " << grandchild << " outlived its parent";
}

}  // namespace
}  // namespace taskfarm::supervise
