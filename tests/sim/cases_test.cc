// Whole batches made by hand for the simulator, one per defect it found or
// an issue named: each failed before its fix (the invariants of
// tests/sim/world.h broke), and keeps it fixed. The random seeds of
// sim_test.cc cover the same ground, and more, by chance; these cover it
// for sure.

#include <signal.h>

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "proto/contract.h"
#include "tests/sim/run_seed.h"

namespace taskfarm::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// `count` tasks of `kind`, each running `ms` milliseconds.
std::vector<SimTask> Tasks(TaskKind kind, int count, int ms = 1) {
  return std::vector<SimTask>(static_cast<size_t>(count), SimTask{kind, milliseconds(ms)});
}

std::vector<SimTask> operator+(std::vector<SimTask> a, const std::vector<SimTask>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Scenario Local(int workers, std::vector<SimTask> tasks) {
  Scenario s;
  s.options.workers = workers;
  s.options.restart.min_delay = milliseconds(100);
  s.options.restart.max_delay = seconds(5);
  s.tasks = std::move(tasks);
  return s;
}

// Runs `s`; fails the test with the simulator's report if an invariant
// broke. Returns the exit code.
int RunChecked(const Scenario& s) {
  RunResult r = RunScenario(s);
  EXPECT_TRUE(r.ok) << Report(s, r, 80);
  return r.exit_code;
}

// Issue 10 item 5: with one worker, four crashing tasks in a row ended
// the batch as a crash loop (exit 3) and the 100 good tasks never ran.
TEST(SimulatorCase, PoisonTasksAreQuarantinedNotACrashLoop) {
  Scenario s = Local(1, Tasks(TaskKind::kCrash, 4) + Tasks(TaskKind::kOk, 100));
  EXPECT_EQ(RunChecked(s), proto::master_exit::kTasksFailed);
}

// Found by the simulator: tasks whose workers the master itself killed to
// stop the batch (--halt=now here; a second signal, a crash loop or the
// end of --grace likewise) got a strike, and with --retries=1 were
// reported as crashed.
TEST(SimulatorCase, TasksTheMasterKillsToStopAreNotStruck) {
  Scenario s = Local(2, Tasks(TaskKind::kOk, 3) + Tasks(TaskKind::kSlow, 10, 500));
  s.options.retries = 1;
  s.options.halt.when = master::HaltPolicy::When::kNow;
  s.options.halt.on_success = true;
  s.options.halt.count = 3;
  EXPECT_EQ(RunChecked(s), proto::master_exit::kOk);
}

// Found by the simulator (seed 137): a batch that mixed requeued and fresh
// tasks took fresh ones beyond --keep-order's window.
TEST(SimulatorCase, KeepOrderWindowHoldsAfterARequeue) {
  RunResult r = RunSeed(137);
  EXPECT_TRUE(r.ok) << Report(137, r, 80);
}

// Issue 10 item 13: results frames that lie about their count, hold a
// garbled record, an absurd id or ids of tasks not in the batch were
// relayed (or left their batch waiting for ever); the master must drop
// them and run their tasks again, never count them as written.
TEST(SimulatorCase, BadResultsFramesAreDroppedAndTheirTasksRunAgain) {
  for (int kind = 0; kind < 4; ++kind) {
    SCOPED_TRACE(testing::Message() << "bad frame kind " << kind);
    Scenario s = Local(2, Tasks(TaskKind::kOk, 60));
    s.faults.push_back(Fault{FaultKind::kBadFrame, 10, kind});
    EXPECT_EQ(RunChecked(s), proto::master_exit::kOk);
  }
}

// Issue 10 item 8: a worker that drops a batch (it could not read it)
// left the master waiting for ever.
TEST(SimulatorCase, ABatchTheWorkerDroppedIsRunAgain) {
  Scenario s = Local(2, Tasks(TaskKind::kOk, 60));
  s.faults.push_back(Fault{FaultKind::kWorkerDropsBatch, 10, 0});
  EXPECT_EQ(RunChecked(s), proto::master_exit::kOk);
}

// Found with //bench:swarm (5,000 remote workers on a loaded machine): a
// batch seconds in transit, overtaken by the heartbeats of its worker, which
// truthfully said it was idle, was taken back as lost; a one-task batch got
// a strike each time, and a healthy task was quarantined as crashed. A
// batch that has not arrived is late, not lost: nothing is taken back, no
// task is struck (with --retries=1, one strike would quarantine it).
TEST(SimulatorCase, ABatchInTransitIsNotTakenBackFromAnIdleWorker) {
  Scenario s = Local(1, Tasks(TaskKind::kSlow, 12, 200));
  s.options.retries = 1;
  s.faults.push_back(Fault{FaultKind::kBatchLate, 3, 0});
  RunResult r = RunScenario(s);
  EXPECT_TRUE(r.ok) << Report(s, r, 80);
  EXPECT_EQ(r.exit_code, proto::master_exit::kOk) << Report(s, r, 80);
  EXPECT_EQ(r.figures.faults, 1u);
  for (const std::string& line : r.says) {
    EXPECT_EQ(line.find("tasks it does not run"), std::string::npos) << line;
  }
}

// The other side of the case above: a batch that never reaches its worker
// (ZeroMQ drops what a broken connection held, and reconnects) must not
// leave the run waiting for ever. After 10 x --liveness idle heartbeats it
// runs elsewhere, with no strike (the worker never had it).
TEST(SimulatorCase, ABatchThatNeverArrivesRunsAgainWithoutAStrike) {
  Scenario s = Local(1, Tasks(TaskKind::kSlow, 12, 200));
  s.options.retries = 1;
  s.faults.push_back(Fault{FaultKind::kBatchLost, 3, 0});
  RunResult r = RunScenario(s);
  EXPECT_TRUE(r.ok) << Report(s, r, 80);
  EXPECT_EQ(r.exit_code, proto::master_exit::kOk) << Report(s, r, 80);
  EXPECT_EQ(r.figures.faults, 1u);
  int late = 0;
  for (const std::string& line : r.says) {
    late += line.find("has not received 1 batch(es)") != std::string::npos;
  }
  EXPECT_EQ(late, 1) << Report(s, r, 80);
}

// Found by the simulator (seed 851): results lost on a remote host's link
// while it was briefly cut (shorter than the liveness) left their batch
// waiting for ever: the worker, alive, said it was idle.
TEST(SimulatorCase, ResultsLostOnTheWayAreNoticedAndRunAgain) {
  RunResult r = RunSeed(851);
  EXPECT_TRUE(r.ok) << Report(851, r, 80);
}

// Issue 10 item 9: every recycled local worker got a new slot (a state
// page, a file in the runtime directory, a walk at every wake).
TEST(SimulatorCase, RecyclingReusesSlots) {
  Scenario s = Local(2, Tasks(TaskKind::kOk, 80));
  s.options.max_tasks_per_worker = 2;
  EXPECT_EQ(RunChecked(s), proto::master_exit::kOk);
}

// Issue 10 item 2: remote workers recycled by --max-tasks-per-worker ask
// their host for a fresh process (worker_exit::kRecycled), and the batch
// goes on.
TEST(SimulatorCase, RecycledRemoteWorkersAreReplacedByTheirHost) {
  Scenario s = Local(0, Tasks(TaskKind::kOk, 100));
  s.remote_hosts = 2;
  s.procs_per_host = 2;
  s.options.remote.listen = "tcp://127.0.0.1:0";
  s.options.remote.insecure = true;
  s.options.max_tasks_per_worker = 5;
  EXPECT_EQ(RunChecked(s), proto::master_exit::kOk);
}

// Issue 10 item 10 (the policy half): SIGHUP stops the batch like SIGTERM.
TEST(SimulatorCase, SighupStopsTheBatchInOrder) {
  Scenario s = Local(2, Tasks(TaskKind::kSlow, 40, 300));
  s.faults.push_back(Fault{FaultKind::kSignal, 5, SIGHUP});
  EXPECT_EQ(RunChecked(s), proto::master_exit::kSignalBase + SIGHUP);
}

}  // namespace
}  // namespace taskfarm::sim
