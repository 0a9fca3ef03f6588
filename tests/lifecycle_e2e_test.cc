// End to end: processes die, and the farm shows the process guard of the
// seed done properly: a killed worker is replaced and its tasks run again,
// signals stop the batch in order, and a dead master leaves nothing behind.

#include <signal.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/gate.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

std::vector<pid_t> Workers(pid_t master) { return LiveChildrenNamed(master, "worker"); }

size_t LineCount(const std::string& path) { return Lines(ReadFile(path)).size(); }

bool NoRuntimeDirIn(const std::string& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("taskfarm.", 0) == 0) return false;
  }
  return true;
}

TEST(Lifecycle, KilledWorkerIsReplacedAndTheOutputStaysExact) {
  std::string dir = TempDir("kill");
  std::string out = dir + "/out.jsonl";
  // 800 tasks of 4 ms on two workers, and a gate last: the batch cannot end
  // before the test has killed a worker, however fast the machine.
  Gate gate(dir);
  std::string tasks;
  for (int i = 0; i < 800; ++i) tasks += "sleep 4\n";
  WriteFile(dir + "/tasks.txt", tasks + gate.Task() + "\n");
  Process master(MasterArgv({"--workers=2", "--format=jsonl", "--output=" + out,
                             "--stats-json=" + dir + "/stats.json",
                             dir + "/tasks.txt"}),
                 dir);
  ASSERT_TRUE(WaitFor([&] { return LineCount(out) >= 50; }, seconds(60)));
  std::vector<pid_t> workers = Workers(master.pid());
  ASSERT_FALSE(workers.empty());
  ASSERT_EQ(kill(workers[0], SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return !Alive(workers[0]); }, seconds(30)));
  gate.Open();
  ASSERT_EQ(master.Wait(seconds(120)), 0) << master.err();

  std::vector<nlohmann::json> records = ReadJsonl(out);
  ASSERT_EQ(records.size(), 801u);
  std::set<uint64_t> ids;
  for (const auto& r : records) {
    uint64_t id = r.at("id").get<uint64_t>();
    ids.insert(id);
    ASSERT_EQ(r.at("status"), "ok") << r.dump();
    if (id == 800) continue;  // the gate
    ASSERT_EQ(r.at("args").at(0), 4);
    ASSERT_EQ(r.at("result"), "slept 4 ms");
  }
  EXPECT_EQ(ids.size(), 801u);
  nlohmann::json stats = nlohmann::json::parse(ReadFile(dir + "/stats.json"));
  EXPECT_EQ(stats.at("worker_deaths").get<int>(), 1);
  EXPECT_EQ(stats.at("restarts").get<int>(), 1);
}

TEST(Lifecycle, SigtermStopsInOrderAndLeavesNothingBehind) {
  for (int sig : {SIGTERM, SIGINT, SIGQUIT}) {
    SCOPED_TRACE(sig);
    std::string dir = TempDir("term");
    std::string tmp = ShortTempDir();
    std::string out = dir + "/out.jsonl";
    Process master(MasterArgv({"--workers=2", "--format=jsonl", "--output=" + out,
                               "--tasks=sleep 20; sleep 1..100000"}),
                   dir, "", {"TMPDIR=" + tmp});
    ASSERT_TRUE(WaitFor([&] { return LineCount(out) >= 20; }, seconds(60)));
    std::vector<pid_t> children = ChildrenOf(master.pid());
    ASSERT_EQ(children.size(), 3u);  // two workers and the logger
    EXPECT_FALSE(NoRuntimeDirIn(tmp));
    master.Signal(sig);
    ASSERT_EQ(master.Wait(seconds(30)), 128 + sig) << master.err();
    for (pid_t c : children) EXPECT_FALSE(Alive(c)) << c;
    EXPECT_TRUE(NoRuntimeDirIn(tmp));
    std::filesystem::remove(tmp);
    // What was written is whole records, each id once.
    std::set<uint64_t> ids;
    for (const auto& r : ReadJsonl(out)) {
      EXPECT_TRUE(ids.insert(r.at("id").get<uint64_t>()).second);
    }
    EXPECT_NE(master.err().find("interrupted"), std::string::npos);
  }
}

TEST(Lifecycle, SecondSignalStopsAtOnce) {
  std::string dir = TempDir("twice");
  // Tasks far longer than the test's patience, and a grace longer still.
  // Each task first marks that it runs (a file named after its worker), so
  // the signals come while both workers are busy, not while they start.
  // Four of them: a new worker holds two batches of one task until it has
  // measured one, so the first worker to say hello takes two.
  const std::string running = dir + "/running";
  std::filesystem::create_directories(running);
  const std::string task = "exec sh -c ': > \"$0/$PPID\"; exec sleep 600' '" + running + "'";
  Process master(MasterArgv({"--workers=2", "--grace=300s", "--tasks=" + task + "; " + task + "; " + task + "; " + task}),
                 dir);
  ASSERT_TRUE(WaitFor(
      [&] {
        return std::distance(std::filesystem::directory_iterator(running),
                             std::filesystem::directory_iterator{}) == 2;
      },
      seconds(30)))
      << master.err();
  master.Signal(SIGTERM);
  ASSERT_TRUE(WaitFor([&] { return master.err().find("signal again") != std::string::npos; },
                      seconds(30)));
  master.Signal(SIGTERM);
  std::string children;
  for (pid_t c : ChildrenOf(master.pid())) {
    children += " " + std::to_string(c) + ":" + CommandName(c) + (Alive(c) ? "" : "(zombie)");
  }
  EXPECT_EQ(master.Wait(seconds(60)), 128 + SIGTERM)
      << master.err() << "children after the second signal:" << children;
}

TEST(Lifecycle, ChildrenDieWithTheMaster) {
  std::string dir = TempDir("orphans");
  Process master(MasterArgv({"--workers=3", "--tasks=sleep 600000; sleep 1..10000"}),
                 dir);
  ASSERT_TRUE(WaitFor([&] { return ChildrenOf(master.pid()).size() == 4; }, seconds(30)));
  std::vector<pid_t> children = ChildrenOf(master.pid());
  master.Signal(SIGKILL);
  ASSERT_TRUE(master.Wait(seconds(30)).has_value());
  EXPECT_TRUE(WaitFor(
      [&] {
        for (pid_t c : children) {
          if (Alive(c)) return false;
        }
        return true;
      },
      seconds(30)));
}

}  // namespace
}  // namespace taskfarm::testing
