// Chaos driven by the batch's own progress, so that it happens on any
// machine: 200,000 tiny tasks on three workers; each time the output has
// grown by another 1/30 of the batch, the test stops the master, SIGKILLs a
// worker (a seeded choice), and at two of those points the logger too, and
// lets the master go on. The
// batch's last task is a gate (tests/testutil/gate.h) that the test opens
// only after its last kill, so every planned kill is made while the batch
// runs, however fast or slow the machine. The verdict is about what was
// checked, never about how many kills the clock allowed: exit 0, every id
// exactly once with the right result, and the master counted exactly the
// deaths the test caused.

#include <signal.h>

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/gate.h"
#include "tests/testutil/line_counter.h"
#include "tests/testutil/wait.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

constexpr int kTasks = 200000;  // fib tasks, ids 0..kTasks-1; the gate is kTasks
constexpr int kWorkerKills = 20;
constexpr int kLoggerKillAfter[] = {7, 14};  // these worker kills
constexpr int kLoggerKills = 2;

// SIGSTOPs a process for its lifetime (it is stopped when the constructor
// returns), and SIGCONTs it after.
class Pause {
 public:
  explicit Pause(pid_t pid) : pid_(pid) {
    kill(pid_, SIGSTOP);
    EXPECT_TRUE(testutil::WaitUntil([&] { return State(pid_) == 'T'; }));
  }
  ~Pause() { kill(pid_, SIGCONT); }

 private:
  static char State(pid_t pid) {
    const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
    const size_t paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
  }
  pid_t pid_;
};

// SIGKILLs one of `live` (a seeded choice) and waits until it is dead, so
// that no later kill finds it again.
void KillOne(const std::vector<pid_t>& live, std::mt19937& rng) {
  ASSERT_FALSE(live.empty());
  const pid_t victim = live[rng() % live.size()];
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return !Alive(victim); }, seconds(30)));
}

TEST(Chaos, KillingWorkersAndTheLoggerLosesNothing) {
  const std::string dir = TempDir("chaos");
  const std::string input = dir + "/tasks.txt", out = dir + "/out.jsonl";
  Gate gate(dir);
  std::string text;
  for (int i = 0; i < kTasks; ++i) text += "fib " + std::to_string(i % 90) + "\n";
  WriteFile(input, text + gate.Task() + "\n");

  // Each kill strikes at most one task, so with more retries than kills the
  // chaos alone can quarantine nothing; kills that find the fib tasks done
  // (a fast machine) come with no success between them, so the crash-loop
  // limit is above the number of kills; short restart delays keep the batch
  // short when kills come close together.
  Process master(
      MasterArgv({"--workers=3", "--format=jsonl", "--output=" + out,
                  "--stats-json=" + dir + "/stats.json",
                  "--retries=" + std::to_string(kWorkerKills + kLoggerKills + 1),
                  "--crash-loop=" + std::to_string(kWorkerKills + kLoggerKills + 1),
                  "--restart-delay=10ms", "--restart-max-delay=100ms", input}),
      dir);
  std::mt19937 rng(20261125);
  LineCounter records(out);
  int worker_kills = 0, logger_kills = 0, kills_with_fib_left = 0;
  for (int k = 1; k <= kWorkerKills; ++k) {
    // Spread over the first two thirds of the batch: the last third is
    // the margin for a test slower than the farm to catch up.
    const size_t at = size_t{kTasks} * 2 * k / (3 * kWorkerKills);
    const bool logger_too = k == kLoggerKillAfter[0] || k == kLoggerKillAfter[1];
    // A victim to kill (a killed one is being restarted), then enough
    // records, watched closely.
    ASSERT_TRUE(WaitFor(
        [&] {
          return !LiveChildrenNamed(master.pid(), "worker").empty() &&
                 (!logger_too || !LiveChildrenNamed(master.pid(), "logger").empty());
        },
        seconds(60)))
        << "kill " << k << ": no live worker or logger\n" << master.err();
    ASSERT_TRUE(testutil::WaitUntil([&] { return records.Count() >= at; },
                                    seconds(240)))
        << "kill " << k << " waits for " << at << " records, has "
        << records.Count() << "\n" << master.err();
    // The farm holds still while the test picks and kills (scanning /proc
    // is slow next to 200,000 tasks a second): the kill lands where the
    // count said, with tasks in flight (the figure below). Only the
    // test kills, so what was live a moment ago still is.
    Pause pause(master.pid());
    if (records.Count() < kTasks) ++kills_with_fib_left;
    ASSERT_NO_FATAL_FAILURE(KillOne(LiveChildrenNamed(master.pid(), "worker"), rng));
    ++worker_kills;
    if (logger_too) {
      ASSERT_NO_FATAL_FAILURE(KillOne(LiveChildrenNamed(master.pid(), "logger"), rng));
      ++logger_kills;
    }
  }
  ASSERT_EQ(worker_kills, kWorkerKills);
  ASSERT_EQ(logger_kills, kLoggerKills);
  // How hard the chaos hit (a figure, not a verdict): kills made while fib
  // tasks were still to be written, rather than only the gate.
  RecordProperty("kills_with_fib_tasks_left", kills_with_fib_left);
  gate.Open();
  ASSERT_EQ(master.Wait(seconds(240)), 0) << master.err();

  std::vector<nlohmann::json> all = ReadJsonl(out);
  ASSERT_EQ(all.size(), static_cast<size_t>(kTasks) + 1);
  std::vector<bool> seen(kTasks + 1);
  for (const nlohmann::json& r : all) {
    const uint64_t id = r.at("id").get<uint64_t>();
    ASSERT_LE(id, static_cast<uint64_t>(kTasks));
    ASSERT_FALSE(seen[id]) << "id " << id << " twice";
    seen[id] = true;
    ASSERT_EQ(r.at("status"), "ok") << r.dump();
    if (id < kTasks) ASSERT_EQ(r.at("result"), Fib(id % 90)) << r.dump();
  }
  const nlohmann::json stats = nlohmann::json::parse(ReadFile(dir + "/stats.json"));
  EXPECT_EQ(stats.at("worker_deaths").get<int>(), kWorkerKills);
  EXPECT_EQ(stats.at("logger_restarts").get<int>(), kLoggerKills);
}

}  // namespace
}  // namespace taskfarm::testing
