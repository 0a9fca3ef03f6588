// End-to-end tests of where a batch writes, with the real master, worker
// and logger: one batch per output file (a second master is refused before
// any task runs), devices and pipes as outputs, a reader that goes away
// (`| head -1`), and an unwritable --stats-json.

#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/files.h"
#include "tests/testutil/gate.h"
#include "tests/testutil/wait.h"

namespace taskfarm {
namespace {

using testing::MasterArgv;
using testing::MasterRun;
using testing::Process;
using testing::RunMaster;

// argv running `pipeline` in bash with the master's path as $0 and the
// master's arguments as "$@"; the exit status is the master's
// (${PIPESTATUS[0]}), as with `set -o pipefail`.
std::vector<std::string> Shell(const std::string& pipeline,
                               const std::vector<std::string>& args) {
  std::vector<std::string> argv = MasterArgv(args);
  argv.insert(argv.begin(),
              {"/bin/bash", "-c",
               absl::StrCat("\"$0\" \"$@\" ", pipeline, "; exit ${PIPESTATUS[0]}")});
  return argv;
}

// Issue 10.7: two masters writing one --output lost or duplicated records,
// and both exited 0.
TEST(OutputE2E, ASecondMasterOnTheSameOutputIsRefused) {
  const std::string dir = testing::TempDir("two");
  const std::string out = dir + "/out.jsonl";
  const std::string release = dir + "/release";
  // The first batch's last task waits for the test to release it.
  Process first(MasterArgv({"--format=jsonl", "--output=" + out, "--workers=1",
                            "--tasks=fib 0..99; exec sh -c 'while [ ! -e " +
                                release + " ]; do sleep 0.01; done'"}),
                dir);
  ASSERT_TRUE(testutil::WaitUntil([&] {
    return testing::Lines(testing::ReadFile(out)).size() >= 100;
  })) << first.err();
  const std::string before = testing::ReadFile(out);
  for (const std::string& tasks : {"fib 0..99", "fib 100..199"}) {
    SCOPED_TRACE(tasks);
    MasterRun second = RunMaster(
        {"--format=jsonl", "--output=" + out, "--tasks=" + tasks});
    EXPECT_EQ(second.exit_code, 2);
    EXPECT_TRUE(absl::StrContains(second.err,
                                  "is being written by another taskfarm batch"))
        << second.err;
    MasterRun resumed = RunMaster(
        {"--format=jsonl", "--output=" + out, "--resume", "--tasks=" + tasks});
    EXPECT_EQ(resumed.exit_code, 2) << resumed.err;
    EXPECT_EQ(testing::ReadFile(out), before) << "the second master wrote";
  }
  testing::WriteFile(release, "");
  EXPECT_EQ(first.Wait(testutil::kWaitDeadline), 0) << first.err();
  std::vector<nlohmann::json> records = testing::ReadJsonl(out);
  EXPECT_EQ(records.size(), 101u);
  EXPECT_EQ(testing::CheckFibOutput(
                std::vector<nlohmann::json>(records.begin(), records.end() - 1),
                100),
            "");
  // The batch is over: the file is free again.
  EXPECT_EQ(RunMaster({"--format=jsonl", "--output=" + out, "--tasks=fib 0..9"})
                .exit_code,
            0);
}

// Issue 10.19: --output=/dev/null was refused; --output=/dev/stdout was
// refused with a pipe and created /dev/stdout.taskfarm elsewhere.
TEST(OutputE2E, DevicesAndPipesAreOutputs) {
  unlink("/dev/null.taskfarm");  // left by an older master, if any
  unlink("/dev/stdout.taskfarm");
  MasterRun null = RunMaster({"--output=/dev/null", "--tasks=fib 1..5"});
  EXPECT_EQ(null.exit_code, 0) << null.err;
  EXPECT_TRUE(absl::StrContains(null.err, "5 of 5 written")) << null.err;

  const std::string dir = testing::TempDir("pipe");
  Process piped(Shell("| cat", {"--output=/dev/stdout", "--format=jsonl",
                                "--tasks=fib 0..49"}),
                dir);
  EXPECT_EQ(piped.Wait(testutil::kWaitDeadline), 0) << piped.err();
  testing::WriteFile(dir + "/piped.jsonl", piped.out());
  EXPECT_EQ(testing::CheckFibOutput(testing::ReadJsonl(dir + "/piped.jsonl"), 50),
            "");

  // Standard output a file: /dev/stdout names it, and is still a stream.
  MasterRun file = RunMaster({"--output=/dev/stdout", "--tasks=fib 1..3"});
  EXPECT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(testing::Lines(file.out).size(), 3u);
  EXPECT_FALSE(testutil::FileExists("/dev/null.taskfarm"));
  EXPECT_FALSE(testutil::FileExists("/dev/stdout.taskfarm"));

  for (const char* output : {"/dev/null", "/dev/stdout"}) {
    MasterRun resumed =
        RunMaster({absl::StrCat("--output=", output), "--resume", "--tasks=fib 1..3"});
    EXPECT_EQ(resumed.exit_code, 2);
    EXPECT_TRUE(absl::StrContains(resumed.err, "--resume needs a regular file"))
        << resumed.err;
  }
}

// Standard output redirected with `>` is write-only; each logger started
// after a kill reads back what the batch wrote there (through
// /proc/self/fd) and drops the ids it finds, as with --output=FILE.
TEST(OutputE2E, LoggersKilledMidBatchWriteStandardOutputExactlyOnce) {
  const std::string dir = testing::TempDir("stdout_kill");
  testing::Gate gate(dir);
  constexpr int kTasks = 3000;
  // Process gives the master its standard output as `> FILE` does.
  Process master(MasterArgv({"--format=jsonl", "--workers=1",
                             absl::StrCat("--tasks=fib 0..", kTasks - 1, "; ",
                                          gate.Task())}),
                 dir);
  pid_t last = 0;
  for (size_t at : {size_t{kTasks} / 4, size_t{kTasks} / 2}) {
    // Killed once records flow (progress, not time): the gate holds the
    // batch open however fast the machine is.
    pid_t logger = 0;
    ASSERT_TRUE(testutil::WaitUntil([&] {
      std::vector<pid_t> loggers = testing::LiveChildrenNamed(master.pid(), "logger");
      logger = loggers.empty() ? 0 : loggers[0];
      return logger != 0 && logger != last &&
             testing::Lines(master.out()).size() >= at;
    })) << master.err();
    ASSERT_EQ(kill(logger, SIGKILL), 0);
    last = logger;
  }
  ASSERT_TRUE(testutil::WaitUntil([&] {
    return testing::Lines(master.out()).size() >= size_t{kTasks};
  })) << master.err();
  gate.Open();
  EXPECT_EQ(master.Wait(testutil::kWaitDeadline), 0) << master.err();
  testing::WriteFile(dir + "/out.jsonl", master.out());
  std::vector<nlohmann::json> records = testing::ReadJsonl(dir + "/out.jsonl");
  ASSERT_EQ(records.size(), size_t{kTasks} + 1) << master.err();
  records.erase(std::remove_if(records.begin(), records.end(),
                               [](const nlohmann::json& r) {
                                 return r["task"] != "fib";
                               }),
                records.end());
  EXPECT_EQ(testing::CheckFibOutput(records, kTasks), "");
  EXPECT_TRUE(absl::StrContains(master.err(), "2 logger restarts")) << master.err();
}

// Issue 10.24: `master ... | head -1` exited 4 with "logger: cannot write
// standard output: Broken pipe".
TEST(OutputE2E, AReaderThatGoesAwayStopsTheBatchQuietly) {
  const std::string dir = testing::TempDir("head");
  // Far more records than a pipe holds: the batch cannot end before head
  // has read its line and gone, however fast the machine.
  Process master(Shell("| head -1", {"--tasks=fib 1..2000000", "--workers=1"}),
                 dir);
  EXPECT_EQ(master.Wait(testutil::kWaitDeadline), 141) << master.err();
  EXPECT_EQ(testing::Lines(master.out()).size(), 1u);
  EXPECT_FALSE(absl::StrContains(master.err(), "Broken pipe")) << master.err();
  EXPECT_FALSE(absl::StrContains(master.err(), "logger:")) << master.err();
  EXPECT_FALSE(absl::StrContains(master.err(), "died")) << master.err();
}

// Issue 10.16: an unwritable --stats-json wrote nothing, said nothing, and
// exited 0.
TEST(OutputE2E, AStatsFileThatCannotBeWrittenIsReported) {
  const std::string dir = testing::TempDir("stats");
  MasterRun early = RunMaster({"--output=" + dir + "/out.txt",
                               "--stats-json=" + dir + "/missing/stats.json",
                               "--tasks=fib 1..5"});
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(early.err, "cannot write --stats-json=")) << early.err;
  EXPECT_FALSE(testutil::FileExists(dir + "/out.txt")) << "nothing ran";

  // /dev/full opens (the early check passes) and fails at the write, as a
  // disk that fills during the batch does.
  MasterRun late = RunMaster({"--output=" + dir + "/out.txt",
                              "--stats-json=/dev/full", "--tasks=fib 1..5"});
  EXPECT_EQ(late.exit_code, 4);
  EXPECT_TRUE(absl::StrContains(late.err, "cannot write --stats-json=/dev/full"))
      << late.err;
  EXPECT_EQ(testing::Lines(testutil::ReadFile(dir + "/out.txt")).size(), 5u);
}

}  // namespace
}  // namespace taskfarm
