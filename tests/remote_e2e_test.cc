// Remote workers end to end, on loopback: the real master listening on
// tcp://127.0.0.1, the real worker joining it. CURVE admits a listed key and
// refuses the others (both sides say so); plain tcp needs --insecure; a
// worker declared lost is told to rejoin and its late results are dropped;
// workers give up on a master that vanished.
// (Several hosts, cut links: cluster_e2e_test.cc.)

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/gate.h"
#include "tests/testutil/remote.h"

namespace taskfarm::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string SleepTasks(int n, int ms) {
  std::string tasks;
  for (int i = 0; i < n; ++i) tasks += "sleep " + std::to_string(ms) + ";";
  return tasks;
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

TEST(Remote, ListedWorkerHostRunsTheBatch) {
  const std::string dir = TempDir("listed");
  Keygen(dir + "/keys");
  // Barrier tasks first: the batch cannot end before both worker processes
  // joined and ran one (a process that joined after the master left would
  // wait out --master-timeout instead of being told to shut down).
  Barrier barrier(dir, 2);
  constexpr int kBarriers = Barrier::kTasksPerWorker * 2;
  Process master(MasterArgv({"--workers=0", "--listen=tcp://127.0.0.1:0",
                             "--keys=" + dir + "/keys", "--format=jsonl",
                             "--output=" + dir + "/out.jsonl",
                             "--stats-json=" + dir + "/stats.json",
                             "--tasks=" + barrier.Tasks() + "fib 0..1999"}),
                 dir);
  const std::string endpoint = JoinEndpoint(master, seconds(20));
  ASSERT_NE(endpoint, "") << master.err();
  EXPECT_NE(master.err().find("(CURVE)"), std::string::npos) << master.err();
  // One command for the host: two worker processes under one supervisor.
  Process worker(WorkerArgv({"--connect=" + endpoint, "--keys=" + dir + "/keys",
                             "--procs=2"}),
                 dir);
  ASSERT_EQ(master.Wait(seconds(60)), 0) << master.err();
  std::vector<nlohmann::json> fib;
  std::set<int64_t> pids;
  for (nlohmann::json& r : ReadJsonl(dir + "/out.jsonl")) {
    pids.insert(r.at("worker").get<int64_t>());
    const int64_t id = r.at("id").get<int64_t>();
    if (id < kBarriers) continue;
    r["id"] = id - kBarriers;  // as if the fib tasks were alone
    fib.push_back(r);
  }
  EXPECT_EQ(CheckFibOutput(fib, 2000), "");
  EXPECT_EQ(pids.size(), 2u);
  // The batch ended, so did the workers: told to shut down, not timed out.
  EXPECT_EQ(worker.Wait(seconds(30)), 0) << worker.err();
  EXPECT_EQ(HostsByPid(dir + "/stats.json").size(), 2u);
  EXPECT_NE(master.err().find(" joined: worker "), std::string::npos) << master.err();
}

// A master with one local worker and a batch that a gate holds open while
// strangers knock; returns its endpoint.
class RefusedWorker : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir("refused");
    gate_ = std::make_unique<Gate>(dir_);
    Keygen(dir_ + "/keys");
    Keygen(dir_ + "/other");
    master_ = std::make_unique<Process>(
        MasterArgv({"--workers=1", "--listen=tcp://127.0.0.1:0",
                    "--keys=" + dir_ + "/keys", "--format=jsonl",
                    "--output=" + dir_ + "/out.jsonl",
                    "--tasks=fib 0..38; " + gate_->Task()}),
        dir_);
    endpoint_ = JoinEndpoint(*master_, seconds(20));
    ASSERT_NE(endpoint_, "") << master_->err();
  }

  void TearDown() override {
    // The strangers changed nothing: the batch is complete and exact.
    gate_->Open();
    ASSERT_EQ(master_->Wait(seconds(60)), 0) << master_->err();
    std::vector<nlohmann::json> records = ReadJsonl(dir_ + "/out.jsonl");
    EXPECT_EQ(records.size(), 40u);
  }

  // A worker with the keys in `keys` knocks at the master; returns its exit
  // code (nullopt if it still runs after 20 s) and how long it took.
  std::pair<std::optional<int>, double> Knock(const std::string& keys,
                                              const std::string& master_timeout) {
    const auto start = std::chrono::steady_clock::now();
    worker_ = std::make_unique<Process>(
        WorkerArgv({"--connect=" + endpoint_, "--keys=" + keys, "--procs=0",
                    "--master-timeout=" + master_timeout}),
        dir_);
    std::optional<int> code = worker_->Wait(seconds(20));
    return {code, SecondsSince(start)};
  }

  std::string dir_, endpoint_;
  std::unique_ptr<Gate> gate_;
  std::unique_ptr<Process> master_, worker_;
};

TEST_F(RefusedWorker, UnlistedKeyIsRefusedAtOnceAndTheMasterLogsIt) {
  // The right master key, but a worker key the allow-list does not hold:
  // refused at once, exit 77 (waiting out --master-timeout would be 75).
  auto [code, took] = Knock(MixedKeys(dir_ + "/keys", dir_ + "/other"), "60s");
  ASSERT_EQ(code, 77) << worker_->err();
  RecordProperty("seconds_until_refused", std::to_string(took));
  EXPECT_NE(worker_->err().find("refused this worker's key"), std::string::npos)
      << worker_->err();
  const std::string stranger = Lines(ReadFile(dir_ + "/other/worker.public"))[1];
  ASSERT_TRUE(WaitFor([&] { return master_->err().find(stranger) != std::string::npos; },
                      seconds(30)))
      << master_->err();
  EXPECT_NE(master_->err().find("refused a worker from 127.0.0.1"), std::string::npos)
      << master_->err();
}

TEST_F(RefusedWorker, WrongMasterKeyGetsSilenceAndTheWorkerGivesUp) {
  // A listed worker key, but another master's public key: the handshake
  // fails before any allow-list is asked; the worker hears nothing, and
  // gives up after --master-timeout (a lower bound: it cannot give up
  // sooner).
  auto [code, took] = Knock(MixedKeys(dir_ + "/other", dir_ + "/keys"), "2s");
  ASSERT_EQ(code, 75) << worker_->err();
  EXPECT_GE(took, 2.0);
  EXPECT_NE(worker_->err().find("CURVE handshakes failed"), std::string::npos)
      << worker_->err();
  EXPECT_NE(worker_->err().find("giving up"), std::string::npos) << worker_->err();
  EXPECT_TRUE(WaitFor([&] { return master_->err().find("CURVE handshake") != std::string::npos; },
                      seconds(30)))
      << master_->err();
}

TEST(Remote, PlainTcpOnlyWithInsecureAndItSaysSoLoudly) {
  const std::string dir = TempDir("insecure");
  MasterRun refused = RunMaster({"--workers=0", "--listen=tcp://127.0.0.1:0",
                                 "--tasks=fib 1"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--insecure"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--keygen"), std::string::npos) << refused.err;
  Process lone(WorkerArgv({"--connect=tcp://127.0.0.1:9", "--procs=0"}), dir);
  EXPECT_EQ(lone.Wait(seconds(30)), 2);
  EXPECT_NE(lone.err().find("--insecure"), std::string::npos) << lone.err();

  Process master(MasterArgv({"--workers=0", "--listen=tcp://127.0.0.1:0",
                             "--insecure", "--format=jsonl",
                             "--output=" + dir + "/out.jsonl", "--tasks=fib 0..499"}),
                 dir);
  const std::string endpoint = JoinEndpoint(master, seconds(20));
  ASSERT_NE(endpoint, "") << master.err();
  EXPECT_NE(master.err().find("WARNING: --insecure"), std::string::npos) << master.err();
  EXPECT_NE(master.err().find("WITHOUT authentication or encryption"), std::string::npos);
  Process worker(WorkerArgv({"--connect=" + endpoint, "--insecure", "--procs=1"}), dir);
  ASSERT_EQ(master.Wait(seconds(60)), 0) << master.err();
  EXPECT_EQ(CheckFibOutput(ReadJsonl(dir + "/out.jsonl"), 500), "");
  EXPECT_EQ(worker.Wait(seconds(30)), 0) << worker.err();
  EXPECT_NE(worker.err().find("WARNING: --insecure"), std::string::npos) << worker.err();
}

TEST(Remote, BadListenAddressesAreUsageErrors) {
  for (const char* listen : {"--listen=127.0.0.1:5555", "--listen=tcp://127.0.0.1",
                             "--listen=tcp://127.0.0.1:99999", "--launcher=pbs"}) {
    SCOPED_TRACE(listen);
    MasterRun run = RunMaster({"--workers=0", listen, "--insecure", "--tasks=fib 1"});
    EXPECT_EQ(run.exit_code, 2) << run.err;
  }
  MasterRun no_workers = RunMaster({"--workers=0", "--tasks=fib 1"});
  EXPECT_EQ(no_workers.exit_code, 2);
  EXPECT_NE(no_workers.err.find("--listen"), std::string::npos) << no_workers.err;
}

TEST(Remote, LostWorkerIsToldToRejoinAndItsLateResultsAreDropped) {
  const std::string dir = TempDir("rejoin");
  // The batch ends with a gate, opened once the lost worker has rejoined:
  // the master is there to hear it however long the rejoin takes.
  Gate gate(dir);
  Barrier barrier(dir, 2);
  Keygen(dir + "/keys");
  Process master(MasterArgv({"--workers=0", "--listen=tcp://127.0.0.1:0",
                             "--keys=" + dir + "/keys", "--heartbeat=500ms",
                             "--format=jsonl", "--output=" + dir + "/out.jsonl",
                             "--tasks=" + barrier.Tasks() + SleepTasks(76, 100) +
                                 gate.Task()}),
                 dir);
  const std::string endpoint = JoinEndpoint(master, seconds(20));
  ASSERT_NE(endpoint, "") << master.err();
  std::vector<std::string> args = {"--connect=" + endpoint, "--keys=" + dir + "/keys",
                                   "--procs=0"};
  Process stopped(WorkerArgv(args), dir);
  Process other(WorkerArgv(args), dir);
  // Both joined and worked (the barrier tasks first see to it: else one
  // joining after the batch would wait out --master-timeout), and the batch
  // is under way.
  ASSERT_TRUE(WaitFor([&] { return Lines(ReadFile(dir + "/out.jsonl")).size() >= 10; },
                      seconds(60)));
  // Frozen mid-task, past --heartbeat x --liveness: declared lost.
  stopped.Signal(SIGSTOP);
  const std::string pid = std::to_string(stopped.pid());
  ASSERT_TRUE(WaitFor([&] {
    return master.err().find("lost remote worker " + pid) != std::string::npos;
  }, seconds(30))) << master.err();
  stopped.Signal(SIGCONT);
  // It finishes its task, its result is dropped, it is told to rejoin, and
  // comes back under a new worker id.
  ASSERT_TRUE(WaitFor([&] {
    return master.err().find("worker " + pid + " on ") != std::string::npos &&
           master.err().find(" rejoined") != std::string::npos;
  }, seconds(30))) << master.err();
  gate.Open();
  ASSERT_EQ(master.Wait(seconds(60)), 0) << master.err();
  EXPECT_NE(stopped.err().find("joining again"), std::string::npos) << stopped.err();
  std::vector<nlohmann::json> records = ReadJsonl(dir + "/out.jsonl");
  ASSERT_EQ(records.size(), 81u);
  std::set<uint64_t> ids;
  for (const auto& r : records) {
    ids.insert(r.at("id").get<uint64_t>());
    EXPECT_EQ(r.at("status"), "ok") << r.dump();
  }
  EXPECT_EQ(ids.size(), 81u);
  // The tasks it held went back to the queue and are in the output once.
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  std::vector<uint64_t> lost = LostTaskIds(master.err(), host);
  EXPECT_FALSE(lost.empty()) << master.err();
  for (uint64_t id : lost) EXPECT_EQ(ids.count(id), 1u) << id;
  EXPECT_EQ(stopped.Wait(seconds(30)), 0) << stopped.err();
  EXPECT_EQ(other.Wait(seconds(30)), 0) << other.err();
}

TEST(Remote, WorkersGiveUpOnAMasterThatVanished) {
  const std::string dir = TempDir("vanish");
  Keygen(dir + "/keys");
  Gate gate(dir);  // never opened: the batch is still on when the master dies
  Barrier barrier(dir, 2);
  Process master(MasterArgv({"--workers=0", "--listen=tcp://127.0.0.1:0",
                             "--keys=" + dir + "/keys", "--format=jsonl",
                             "--output=" + dir + "/out.jsonl",
                             "--tasks=" + barrier.Tasks() + SleepTasks(100, 100) +
                                 gate.Task()}),
                 dir);
  const std::string endpoint = JoinEndpoint(master, seconds(20));
  ASSERT_NE(endpoint, "") << master.err();
  Process workers(WorkerArgv({"--connect=" + endpoint, "--keys=" + dir + "/keys",
                              "--procs=2", "--master-timeout=3s"}),
                  dir);
  // Both processes joined (each must notice the silence) and worked: the
  // barrier tasks first see to it.
  ASSERT_TRUE(WaitFor([&] { return Lines(ReadFile(dir + "/out.jsonl")).size() >= 6; },
                      seconds(60)));
  master.Signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_EQ(workers.Wait(seconds(30)), 75) << workers.err();
  RecordProperty("seconds_until_workers_gave_up", std::to_string(SecondsSince(killed)));
  // Each says how long it heard nothing: at least --master-timeout.
  for (const std::string& line : Lines(workers.err())) {
    const size_t at = line.find("no answer from the master");
    if (at == std::string::npos) continue;
    const size_t for_at = line.find(" for ", at);
    ASSERT_NE(for_at, std::string::npos) << line;
    EXPECT_GE(std::stod(line.substr(for_at + 5)), 3.0) << line;
  }
  EXPECT_EQ(Count(workers.err(), "the master went silent; joining again"), 2)
      << workers.err();
  EXPECT_EQ(Count(workers.err(), "giving up"), 2) << workers.err();
}

}  // namespace
}  // namespace taskfarm::testing
