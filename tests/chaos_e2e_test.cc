// Chaos, bounded in time: 200,000 tiny tasks on three workers while the
// test kills a random worker with SIGKILL every ~50 ms and the logger twice.
// The output must hold every id exactly once, with the right result.

#include <signal.h>

#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

constexpr int kTasks = 200000;

std::vector<pid_t> ChildrenNamed(pid_t parent, const std::string& name) {
  std::vector<pid_t> out;
  for (pid_t p : ChildrenOf(parent)) {
    if (CommandName(p) == name) out.push_back(p);
  }
  return out;
}

TEST(Chaos, KillingWorkersAndTheLoggerLosesNothing) {
  std::string dir = TempDir("chaos");
  std::string input = dir + "/tasks.txt", out = dir + "/out.jsonl";
  std::string text;
  for (int i = 0; i < kTasks; ++i) text += "fib " + std::to_string(i % 90) + "\n";
  WriteFile(input, text);

  Process master(MasterArgv({"--workers=3", "--format=jsonl", "--output=" + out,
                             "--stats-json=" + dir + "/stats.json", input}),
                 dir);
  // Chaos from the start: killing idle or starting workers from outside is
  // not a crash loop (the farm restarts them at once).
  std::mt19937 rng(20261125);
  int worker_kills = 0, logger_kills = 0, since_logger_kill = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (!master.Wait(std::chrono::milliseconds(50)).has_value()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the batch did not finish";
    // The chaos pace: one kill per ~50 ms of the batch.
    std::vector<pid_t> workers = ChildrenNamed(master.pid(), "worker");
    if (!workers.empty()) {
      kill(workers[rng() % workers.size()], SIGKILL);
      ++worker_kills;
    }
    // The logger, twice, a few worker kills apart (it starts once the
    // input has been checked).
    std::vector<pid_t> loggers = ChildrenNamed(master.pid(), "logger");
    if (logger_kills < 2 && !loggers.empty() && ++since_logger_kill >= 3) {
      kill(loggers[0], SIGKILL);
      ++logger_kills;
      since_logger_kill = 0;
    }
  }
  ASSERT_EQ(master.Wait(std::chrono::seconds(0)), 0) << master.err();
  EXPECT_GE(worker_kills, 2);
  EXPECT_EQ(logger_kills, 2);

  std::vector<nlohmann::json> records = ReadJsonl(out);
  ASSERT_EQ(records.size(), static_cast<size_t>(kTasks));
  std::vector<bool> seen(kTasks);
  for (const nlohmann::json& r : records) {
    uint64_t id = r.at("id").get<uint64_t>();
    ASSERT_LT(id, static_cast<uint64_t>(kTasks));
    ASSERT_FALSE(seen[id]) << "id " << id << " twice";
    seen[id] = true;
    ASSERT_EQ(r.at("status"), "ok") << r.dump();
    ASSERT_EQ(r.at("result"), Fib(id % 90)) << r.dump();
  }
  nlohmann::json stats = nlohmann::json::parse(ReadFile(dir + "/stats.json"));
  EXPECT_GE(stats.at("worker_deaths").get<int>(), 1);
  EXPECT_EQ(stats.at("logger_restarts").get<int>(), 2);
}

}  // namespace
}  // namespace taskfarm::testing
