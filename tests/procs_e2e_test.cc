// End to end: `worker --procs=K` on a host, joined to a real master over
// tcp on loopback. Children the master recycles (--max-tasks-per-worker)
// are replaced until the batch is done; children that die running poison
// tasks are replaced too, and are no crash loop: the host keeps working and
// the good tasks run.

#include <signal.h>

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/remote.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

// Stops a host that is still waiting (for a master that has exited).
void StopHost(Process& host) {
  if (!host.Wait(seconds(5)).has_value()) {
    host.Signal(SIGTERM);
    EXPECT_TRUE(host.Wait(seconds(30)).has_value());
  }
}

TEST(Procs, RecycledChildrenAreReplacedUntilTheBatchIsDone) {
  const std::string dir = TempDir("procs_recycle");
  Process master(MasterArgv({"--workers=0", "--listen=tcp://127.0.0.1:0",
                             "--insecure", "--max-tasks-per-worker=50",
                             "--format=jsonl", "--output=" + dir + "/out.jsonl",
                             "--stats-json=" + dir + "/stats.json",
                             "--tasks=fib 0..999"}),
                 dir);
  const std::string endpoint = JoinEndpoint(master, seconds(20));
  ASSERT_NE(endpoint, "") << master.err();
  Process host(WorkerArgv({"--connect=" + endpoint, "--insecure", "--procs=2"}),
               dir);
  ASSERT_EQ(master.Wait(seconds(120)), 0)
      << "the batch stalled after the first recycling\n"
      << master.err() << host.err();
  EXPECT_EQ(CheckFibOutput(ReadJsonl(dir + "/out.jsonl"), 1000), "");
  // 1000 tasks at most 50 per process: at least 20 processes took part.
  std::set<int64_t> pids;
  for (const auto& [pid, host_name] : HostsByPid(dir + "/stats.json")) {
    pids.insert(pid);
  }
  EXPECT_GE(pids.size(), 20u);
  EXPECT_EQ(host.err().find("crash loop"), std::string::npos) << host.err();
  StopHost(host);
}

TEST(Procs, PoisonTasksAreNoCrashLoop) {
  const std::string dir = TempDir("procs_poison");
  std::string tasks;
  for (int i = 0; i < 4; ++i) tasks += "crash SEGV; ";
  tasks += "fib 0..99";
  Process master(MasterArgv({"--workers=0", "--listen=tcp://127.0.0.1:0",
                             "--insecure", "--heartbeat=200ms", "--format=jsonl",
                             "--output=" + dir + "/out.jsonl", "--tasks=" + tasks}),
                 dir);
  const std::string endpoint = JoinEndpoint(master, seconds(20));
  ASSERT_NE(endpoint, "") << master.err();
  // One child: every poison task (3 strikes each) kills the host's only
  // worker, 12 deaths in a row.
  Process host(WorkerArgv({"--connect=" + endpoint, "--insecure", "--procs=1"}),
               dir);
  ASSERT_EQ(master.Wait(seconds(120)), 1) << master.err() << host.err();
  std::vector<nlohmann::json> records = ReadJsonl(dir + "/out.jsonl");
  ASSERT_EQ(records.size(), 104u);
  int crashed = 0, ok = 0;
  for (const auto& r : records) {
    crashed += r.at("status") == "crashed";
    ok += r.at("status") == "ok";
  }
  EXPECT_EQ(crashed, 4);
  EXPECT_EQ(ok, 100);
  EXPECT_EQ(host.err().find("crash loop"), std::string::npos) << host.err();
  EXPECT_NE(host.err().find("died running a task (SIGSEGV)"), std::string::npos)
      << host.err();
  // Told "done" by the master, not given up.
  EXPECT_EQ(host.Wait(seconds(30)), 0) << host.err();
}

}  // namespace
}  // namespace taskfarm::testing
