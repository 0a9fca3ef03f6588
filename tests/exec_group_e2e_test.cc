// End to end: what an exec task starts in the background never outlives the
// task, whichever way the task ends: run past --timeout, its master killed
// by SIGKILL (its workers die with it), or its master interrupted and the
// --grace over. Each task writes the pid of a background `sleep` to a file;
// once the master is gone, none of those pids may be alive.

#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

// An exec task line: a shell that starts `sleep 1000` in the background,
// appends its pid to `pid_file`, then waits for it.
std::string BackgroundSleepTask(const std::string& pid_file) {
  return "exec sh -c 'sleep 1000 & echo $! >> " + pid_file + "; wait'";
}

std::vector<pid_t> Pids(const std::string& pid_file) {
  std::vector<pid_t> pids;
  for (const std::string& line : Lines(ReadFile(pid_file))) {
    int pid = 0;
    if (absl::SimpleAtoi(line, &pid)) pids.push_back(pid);
  }
  return pids;
}

// Whether every pid in `pid_file` is gone (or a zombie) within the deadline;
// kills the survivors either way, so that a failure leaves nothing behind.
bool AllDie(const std::string& pid_file) {
  std::vector<pid_t> pids = Pids(pid_file);
  const bool died = WaitFor(
      [&] {
        for (pid_t p : pids) {
          if (Alive(p)) return false;
        }
        return true;
      },
      seconds(30));
  for (pid_t p : pids) {
    if (Alive(p)) kill(p, SIGKILL);
  }
  return died;
}

TEST(ExecGroup, BackgroundProcessesDieWhenTheTaskTimesOut) {
  const std::string dir = TempDir("exec_timeout");
  const std::string pids = dir + "/pids";
  WriteFile(pids, "");
  MasterRun run = RunMaster({"--workers=1", "--timeout=1s", "--retries=2",
                             "--format=jsonl", "--output=" + dir + "/out.jsonl",
                             "--tasks=" + BackgroundSleepTask(pids)});
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the task failed: timeout
  std::vector<nlohmann::json> records = ReadJsonl(dir + "/out.jsonl");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].at("status"), "timeout") << records[0].dump();
  EXPECT_EQ(Pids(pids).size(), 2u) << "one sleep per attempt";
  EXPECT_TRUE(AllDie(pids)) << "a background sleep outlived its timed-out task";
}

// A master running one background-sleep task on one worker, once the task
// has started its sleep.
class ExecGroupRunning : public ::testing::Test {
 protected:
  void Start(const std::string& name, const std::vector<std::string>& flags) {
    const std::string dir = TempDir(name);
    pids_ = dir + "/pids";
    WriteFile(pids_, "");
    std::vector<std::string> args = {"--workers=1", "--format=jsonl",
                                     "--output=" + dir + "/out.jsonl",
                                     "--tasks=" + BackgroundSleepTask(pids_)};
    args.insert(args.end(), flags.begin(), flags.end());
    master_ = std::make_unique<Process>(MasterArgv(args), dir);
    ASSERT_TRUE(WaitFor([&] { return Pids(pids_).size() == 1; }, seconds(30)))
        << master_->err();
  }

  std::string pids_;
  std::unique_ptr<Process> master_;
};

TEST_F(ExecGroupRunning, BackgroundProcessesDieWithAMasterKilledBySigkill) {
  ASSERT_NO_FATAL_FAILURE(Start("exec_kill9", {}));
  master_->Signal(SIGKILL);
  ASSERT_TRUE(master_->Wait(seconds(10)).has_value());
  EXPECT_TRUE(AllDie(pids_)) << "a background sleep outlived its master";
}

TEST_F(ExecGroupRunning, BackgroundProcessesDieWhenTheGraceIsOver) {
  ASSERT_NO_FATAL_FAILURE(Start("exec_grace", {"--grace=1s"}));
  master_->Signal(SIGINT);
  ASSERT_EQ(master_->Wait(seconds(60)), 128 + SIGINT) << master_->err();
  EXPECT_TRUE(AllDie(pids_)) << "a background sleep outlived the grace";
}

}  // namespace
}  // namespace taskfarm::testing
