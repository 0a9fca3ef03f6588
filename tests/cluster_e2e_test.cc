// Several hosts on one machine: network namespaces made by
// tests/cluster/netns.sh (a master host tf-m and worker hosts tf-w1..3 on a
// bridge, addresses private to them). The real master runs on tf-m with
// --workers=0, and each worker host runs one `worker --procs=2`, over tcp
// with CURVE. Then one host's link is cut mid-batch: every id is still in
// the output exactly once, and the cut host's tasks ran again elsewhere.
// Another run heals the link and the cut host's workers rejoin.
// Needs root (CI runs as root); skipped, with the reason, where namespaces
// cannot be made.

#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/gate.h"
#include "tests/testutil/remote.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

constexpr int kHosts = 3;
constexpr int kProcs = 2 * kHosts;  // worker processes
// Barrier tasks and the gate, besides the sleep tasks.
constexpr int kExtra = Barrier::kTasksPerWorker * kProcs + 1;
constexpr char kMasterAddr[] = "10.77.0.1";

class Cluster : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_ = new std::string;
    prefix_ = new std::string("tfe" + std::to_string(getpid() % 100000));
    if (geteuid() != 0) {
      *skip_ = "network namespaces need root";
      return;
    }
    const std::string dir = TempDir("netns");
    Process up({Netns(), "up", std::to_string(kHosts)}, dir, "", Env());
    std::optional<int> code = up.Wait(seconds(120));
    if (code != 0) {
      *skip_ = "cannot create network namespaces here: " + up.err();
    }
  }

  static void TearDownTestSuite() {
    if (skip_->empty()) {
      Process down({Netns(), "down"}, TempDir("netns"), "", Env());
      (void)down.Wait(seconds(60));
    }
    delete skip_;
    delete prefix_;
  }

  void SetUp() override {
    if (!skip_->empty()) GTEST_SKIP() << *skip_;
    dir_ = TempDir("cluster");
    Keygen(dir_ + "/keys");
  }

  static std::string Netns() { return Runfile("tests/cluster/netns.sh"); }
  static std::vector<std::string> Env() {
    return {"TF_NETNS_PREFIX=" + *prefix_,
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  }
  static std::string Host(const std::string& short_name) {
    return *prefix_ + "-" + short_name;
  }

  // Runs argv on `host` (m, w1, ...).
  std::unique_ptr<Process> On(const std::string& host, std::vector<std::string> argv) {
    argv.insert(argv.begin(), {Netns(), "exec", host});
    return std::make_unique<Process>(std::move(argv), dir_, "", Env());
  }
  void Net(const std::string& action, const std::string& host) {
    Process p({Netns(), action, host}, dir_, "", Env());
    ASSERT_EQ(p.Wait(seconds(30)), 0) << p.err();
  }

  // The master on tf-m with barrier tasks (the batch cannot end before
  // every worker process joined and ran one: none joins after the master
  // left), `tasks` sleep tasks of 100 ms and a gate (the batch cannot end
  // before the test opens it), and one `worker --procs=2` on each worker
  // host. The batch holds kExtra tasks more than `tasks`.
  void StartBatch(int tasks) {
    gate_ = std::make_unique<Gate>(dir_);
    Barrier barrier(dir_, kProcs);
    std::string list = barrier.Tasks();
    for (int i = 0; i < tasks; ++i) list += "sleep 100;";
    list += gate_->Task();
    const std::string listen = std::string("tcp://") + kMasterAddr + ":5555";
    master_ = On("m", MasterArgv({"--workers=0", "--listen=" + listen,
                                  "--keys=" + dir_ + "/keys", "--format=jsonl",
                                  "--output=" + out(), "--stats-json=" + stats(),
                                  "--tasks=" + list}));
    ASSERT_EQ(JoinEndpoint(*master_, seconds(30)), listen) << master_->err();
    for (int k = 1; k <= kHosts; ++k) {
      workers_.push_back(On("w" + std::to_string(k),
                            WorkerArgv({"--connect=" + listen,
                                        "--keys=" + dir_ + "/keys", "--procs=2",
                                        "--master-timeout=20s"})));
    }
    ASSERT_TRUE(WaitFor([&] { return Count(master_->err(), " joined: ") == kHosts; },
                        seconds(30)))
        << master_->err();
    // Every host is busy before anything is cut: each has written records.
    ASSERT_TRUE(WaitFor([&] { return HostsWithRecords() == kHosts; }, seconds(60)))
        << master_->err();
  }

  // How many worker hosts ran a task that is in the output so far: a
  // record's worker pid is a child of that host's `worker --procs=2` (netns
  // exec ends in exec, so the Process is that worker).
  int HostsWithRecords() {
    static const std::regex kWorker("\"worker\":(\\d+)");
    std::set<pid_t> pids;
    const std::string text = ReadFile(out());
    for (std::sregex_iterator it(text.begin(), text.end(), kWorker), end; it != end; ++it) {
      pids.insert(std::stoi((*it)[1]));
    }
    int hosts = 0;
    for (const auto& w : workers_) {
      for (pid_t child : ChildrenOf(w->pid())) {
        if (pids.count(child)) {
          ++hosts;
          break;
        }
      }
    }
    return hosts;
  }

  // Waits until the master's stderr has `n` lines containing `what`;
  // returns the seconds since `start`.
  double WaitForLines(const std::string& what, int n,
                      std::chrono::steady_clock::time_point start) {
    EXPECT_TRUE(WaitFor([&] { return Count(master_->err(), what) >= n; }, seconds(60)))
        << master_->err();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // Cuts `host`'s link and waits for the master to declare both its workers
  // lost; records and returns how long that took.
  double CutAndWaitUntilLost(const std::string& host) {
    const auto cut_at = std::chrono::steady_clock::now();
    Net("cut", host);
    const double detect = WaitForLines("lost remote worker", 2, cut_at);
    RecordProperty("seconds_to_declare_cut_host_lost", std::to_string(detect));
    return detect;
  }

  // Every id of `n` once, all ok; returns the records by id.
  std::map<uint64_t, nlohmann::json> CheckExact(int n) {
    std::map<uint64_t, nlohmann::json> by_id;
    for (const nlohmann::json& r : ReadJsonl(out())) {
      uint64_t id = r.at("id").get<uint64_t>();
      EXPECT_TRUE(by_id.emplace(id, r).second) << "id " << id << " twice";
      EXPECT_EQ(r.at("status"), "ok") << r.dump();
    }
    EXPECT_EQ(by_id.size(), static_cast<size_t>(n));
    return by_id;
  }

  std::string out() const { return dir_ + "/out.jsonl"; }
  std::string stats() const { return dir_ + "/stats.json"; }

  static std::string* skip_;
  static std::string* prefix_;
  std::string dir_;
  std::unique_ptr<Gate> gate_;
  std::unique_ptr<Process> master_;
  std::vector<std::unique_ptr<Process>> workers_;
};

std::string* Cluster::skip_ = nullptr;
std::string* Cluster::prefix_ = nullptr;

TEST_F(Cluster, CutHostLosesNothingAndItsTasksRunElsewhere) {
  StartBatch(300);
  CutAndWaitUntilLost("w2");
  gate_->Open();
  ASSERT_EQ(master_->Wait(seconds(90)), 0) << master_->err();
  std::map<uint64_t, nlohmann::json> records = CheckExact(300 + kExtra);

  // Both of w2's workers were declared lost, and the tasks they held went
  // back to the queue and ran on the other hosts.
  const std::string cut = Host("w2");
  EXPECT_EQ(Count(master_->err(), " on " + cut + " (no heartbeat"), 2) << master_->err();
  std::vector<uint64_t> lost = LostTaskIds(master_->err(), cut);
  ASSERT_FALSE(lost.empty()) << master_->err();
  std::map<int64_t, std::string> hosts = HostsByPid(stats());
  for (uint64_t id : lost) {
    SCOPED_TRACE(id);
    ASSERT_EQ(records.count(id), 1u);
    const int64_t pid = records[id].at("worker").get<int64_t>();
    ASSERT_EQ(hosts.count(pid), 1u);
    EXPECT_NE(hosts[pid], cut);
  }
  // Before the cut, w2 did its share: the batch really ran on every host.
  std::set<std::string> used;
  for (const auto& [pid, host] : hosts) used.insert(host);
  EXPECT_EQ(used.size(), static_cast<size_t>(kHosts));
  Net("heal", "w2");
}

TEST_F(Cluster, HealedHostRejoinsAndWorksAgain) {
  StartBatch(600);
  CutAndWaitUntilLost("w1");
  const auto heal_at = std::chrono::steady_clock::now();
  Net("heal", "w1");  // returns once the link and route are back
  const double rejoin = WaitForLines(" rejoined", 2, heal_at);
  RecordProperty("seconds_from_heal_to_rejoin", std::to_string(rejoin));
  gate_->Open();
  ASSERT_EQ(master_->Wait(seconds(120)), 0) << master_->err();
  CheckExact(600 + kExtra);
  // w1's two processes came back under new worker ids (new entries in the
  // stats, same pids) and ran tasks after the heal.
  const std::string healed = Host("w1");
  EXPECT_EQ(Count(master_->err(), " on " + healed + " rejoined"), 2) << master_->err();
  const std::string stats_text = ReadFile(stats());
  EXPECT_GE(Count(stats_text, "\"host\":\"" + healed + "\""), 3) << stats_text;
  for (auto& w : workers_) EXPECT_EQ(w->Wait(seconds(30)), 0) << w->err();
}

}  // namespace
}  // namespace taskfarm::testing
