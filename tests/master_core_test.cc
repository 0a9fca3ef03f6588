// Unit tests of master::MasterCore, the master's policy, with a recording
// Outbox: no socket, no process, no clock. Each test walks the core
// through a few events and checks the actions it asked for. Whole batches
// under faults are the simulator's (tests/sim/).

#include "master/master_core.h"

#include <signal.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "proto/transport.h"
#include "tests/testutil/dispatcher_harness.h"

namespace taskfarm::master {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FakeOutbox : public Outbox {
 public:
  struct ToWorker {
    size_t port;
    std::string identity;
    proto::Message message;
    std::shared_ptr<const std::string> body;
  };

  explicit FakeOutbox(uint64_t tasks) : feed(tasks), total(tasks) {}

  void SendTasks(size_t port, absl::string_view identity, const proto::Tasks& header,
                 const std::shared_ptr<const std::string>& body) override {
    to_workers.push_back({port, std::string(identity), header, body});
  }
  void SendToWorker(size_t port, absl::string_view identity,
                    const proto::Message& message) override {
    to_workers.push_back({port, std::string(identity), message, nullptr});
  }
  void SendLog(absl::string_view, uint64_t seq, const zmq::message_t& records) override {
    logs.emplace_back(seq, std::string(proto::View(records)));
  }
  void SendToLogger(absl::string_view, const proto::Message& message) override {
    to_logger.push_back(message);
  }
  void Deliver(zmq::message_t records) override {
    delivered.emplace_back(proto::View(records));
  }
  absl::StatusOr<Spawned> StartSlot(int slot, const SlotSpec& spec) override {
    starts.emplace_back(slot, spec);
    if (fail_spawns) return absl::ResourceExhaustedError("fork: Resource temporarily unavailable");
    Spawned s{next_pid++, std::nullopt};
    if (spec.map_page) {
      s.page.emplace(*base::SharedPage::Anonymous());
      pages[slot] = static_cast<proto::RunState*>(s.page->data());
    }
    pids[slot] = s.pid;
    return s;
  }
  void SignalSlot(int slot, pid_t, int signal) override {
    signals.emplace_back(slot, signal);
  }
  void CheckInput(const KindTable&) override { check_asked = true; }
  absl::StatusOr<InputReady> OpenOutput() override {
    return InputReady{&feed, total, nullptr, false, ""};
  }
  void Say(absl::string_view line) override { said.emplace_back(line); }
  void Print(absl::string_view) override {}

  // Messages of type T sent to workers.
  template <typename T>
  std::vector<ToWorker> Sent() const {
    std::vector<ToWorker> out;
    for (const ToWorker& m : to_workers) {
      if (std::holds_alternative<T>(m.message)) out.push_back(m);
    }
    return out;
  }
  bool SaidSomething(absl::string_view part) const {
    for (const std::string& line : said) {
      if (absl::StrContains(line, part)) return true;
    }
    return false;
  }

  testutil::CountingFeed feed;
  uint64_t total;
  bool fail_spawns = false;
  pid_t next_pid = 100;
  bool check_asked = false;
  std::vector<ToWorker> to_workers;
  std::vector<std::pair<uint64_t, std::string>> logs;
  std::vector<proto::Message> to_logger;
  std::vector<std::string> delivered;
  std::vector<std::pair<int, SlotSpec>> starts;
  std::vector<std::pair<int, int>> signals;
  std::vector<std::string> said;
  std::map<int, proto::RunState*> pages;
  std::map<int, pid_t> pids;
};

class MasterCoreTest : public testing::Test {
 protected:
  void Make(FarmOptions options, uint64_t tasks = 10, bool with_logger = true) {
    out_ = std::make_unique<FakeOutbox>(tasks);
    core_ = std::make_unique<MasterCore>(options, with_logger, out_.get());
    core_->Start(now_);
  }

  // Frames as they arrive on a socket: routing id, header(, body).
  void FromWorker(size_t port, const std::string& identity, const proto::Message& m,
                  std::optional<std::string> body = std::nullopt) {
    proto::Parts parts;
    parts.push_back(proto::Frame(identity));
    parts.push_back(proto::Frame(proto::Codec::Encode(m)));
    if (body) parts.push_back(proto::Frame(*body));
    core_->OnWorkerFrames(port, absl::MakeSpan(parts), now_);
  }
  void FromLogger(const proto::Message& m) {
    proto::Parts parts;
    parts.push_back(proto::Frame("L1"));
    parts.push_back(proto::Frame(proto::Codec::Encode(m)));
    core_->OnLoggerFrames(absl::MakeSpan(parts), now_);
  }
  void Hello(size_t port, const std::string& worker_id, int64_t pid) {
    FromWorker(port, proto::TaskIdentity(worker_id),
               proto::Hello{.worker_id = worker_id, .pid = pid, .host = "h",
                            .kinds = {{"fib", "int", "fib(n)"}}});
  }
  // The first worker says hello, the input checks out, the logger joins.
  void Running(const std::string& worker_id = "w1") {
    Hello(0, worker_id, out_->pids.at(1));
    ASSERT_TRUE(out_->check_asked);
    core_->OnInputChecked(absl::OkStatus(), {}, now_);
    ASSERT_EQ(core_->phase(), Phase::kRunning);
    FromLogger(proto::LoggerHello{1});
  }
  // Answers batch `sent` with ok records for all its tasks.
  void Answer(const FakeOutbox::ToWorker& sent, const std::string& worker_id,
              uint64_t elapsed_us = 10) {
    testutil::SentBatch b = testutil::DispatcherHarness::Decode(*sent.body);
    proto::RecordWriter writer;
    proto::Results r{std::get<proto::Tasks>(sent.message).batch_id, 0, b.size(),
                     elapsed_us, {}};
    for (uint64_t id : b.ids) {
      const proto::Value arg = static_cast<int64_t>(id);
      writer.Add(id, "fib", {&arg, 1}, proto::TaskStatus::kOk, "1", 100, 1, 1);
    }
    r.by_status[0] = b.size();
    FromWorker(0, proto::TaskIdentity(worker_id), r, std::string(writer.Finish()));
  }

  base::Instant now_ = base::Instant{} + std::chrono::hours(1);
  std::unique_ptr<FakeOutbox> out_;
  std::unique_ptr<MasterCore> core_;
};

template <typename T>
int CountOf(const std::vector<proto::Message>& messages) {
  int n = 0;
  for (const proto::Message& m : messages) n += std::holds_alternative<T>(m);
  return n;
}

// Issue 11.4: the logger's start-up overlaps the first worker's and the
// input check, rather than following them; it opens the output only when
// welcomed, once the input checked out.
TEST_F(MasterCoreTest, StartsTheLoggerWithTheWorkersAndWelcomesItOnceTheInputIsGood) {
  Make(FarmOptions{.workers = 2});
  ASSERT_EQ(out_->starts.size(), 3u);
  EXPECT_EQ(out_->starts[0].second.role, SlotSpec::Role::kWorker);
  EXPECT_EQ(out_->starts[1].second.role, SlotSpec::Role::kLogger)
      << "the logger starts right after the first worker";
  EXPECT_TRUE(out_->starts[1].second.first_logger);
  EXPECT_EQ(out_->starts[2].second.role, SlotSpec::Role::kWorker);
  for (const auto& [slot, spec] : out_->starts) {
    if (spec.role == SlotSpec::Role::kWorker) EXPECT_TRUE(spec.map_page);
  }
  FromLogger(proto::LoggerHello{1});
  Hello(0, "w1", out_->pids.at(1));
  EXPECT_EQ(core_->phase(), Phase::kChecking);
  EXPECT_TRUE(out_->Sent<proto::Welcome>().empty()) << "welcomed before the check";
  EXPECT_TRUE(out_->to_logger.empty()) << "the logger was told something before the check";
  core_->OnInputChecked(absl::OkStatus(), {}, now_);
  ASSERT_FALSE(out_->to_logger.empty());
  ASSERT_TRUE(std::holds_alternative<proto::LoggerWelcome>(out_->to_logger[0]));
  EXPECT_EQ(std::get<proto::LoggerWelcome>(out_->to_logger[0]).total, 10u);
  EXPECT_EQ(out_->Sent<proto::Welcome>().size(), 1u);
  EXPECT_EQ(out_->starts.size(), 3u) << "no second logger";
}

TEST_F(MasterCoreTest, ALoggerThatSaysHelloAfterTheCheckIsWelcomedAtOnce) {
  Make(FarmOptions{.workers = 1});
  Hello(0, "w1", out_->pids.at(1));
  core_->OnInputChecked(absl::OkStatus(), {}, now_);
  EXPECT_TRUE(out_->to_logger.empty());
  FromLogger(proto::LoggerHello{1});
  ASSERT_FALSE(out_->to_logger.empty());
  EXPECT_TRUE(std::holds_alternative<proto::LoggerWelcome>(out_->to_logger[0]));
  EXPECT_EQ(CountOf<proto::LoggerWelcome>(out_->to_logger), 1);
}

TEST_F(MasterCoreTest, BadInputStopsWithUsageAndSaysWhere) {
  Make(FarmOptions{.workers = 1});
  Hello(0, "w1", out_->pids.at(1));
  core_->OnInputChecked(absl::OkStatus(), {"tasks.txt:2: unknown task kind \"fbi\""}, now_);
  EXPECT_EQ(core_->phase(), Phase::kStopping);
  EXPECT_TRUE(out_->SaidSomething("tasks.txt:2: unknown task kind"));
  core_->OnSlotExited(1, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  // The logger, not yet connected, has nothing to write: it is stopped,
  // never welcomed, and the batch does not wait for a flush.
  ASSERT_FALSE(core_->done());
  EXPECT_EQ(out_->signals.back(), (std::pair<int, int>{0, SIGTERM}));
  core_->OnSlotExited(0, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  ASSERT_TRUE(core_->done());
  EXPECT_EQ(core_->exit_code(), proto::master_exit::kUsage);
  EXPECT_EQ(CountOf<proto::LoggerWelcome>(out_->to_logger), 0);
  EXPECT_FALSE(out_->SaidSomething("logger")) << "a logger stopped on purpose is no news";
}

TEST_F(MasterCoreTest, BadInputShutsDownAConnectedLoggerUnwelcomed) {
  Make(FarmOptions{.workers = 1});
  FromLogger(proto::LoggerHello{1});
  Hello(0, "w1", out_->pids.at(1));
  core_->OnInputChecked(absl::OkStatus(), {"tasks.txt:1: unknown task kind"}, now_);
  core_->OnSlotExited(1, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  EXPECT_EQ(CountOf<proto::Shutdown>(out_->to_logger), 1);
  EXPECT_EQ(CountOf<proto::LoggerWelcome>(out_->to_logger), 0);
  core_->OnSlotExited(0, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  ASSERT_TRUE(core_->done());
  EXPECT_EQ(core_->exit_code(), proto::master_exit::kUsage);
}

TEST_F(MasterCoreTest, ABatchRunsToTheEndAndEveryRecordIsWritten) {
  Make(FarmOptions{.workers = 1}, /*tasks=*/10);
  Running();
  for (int round = 0; round < 20 && !out_->feed.exhausted(); ++round) {
    core_->Advance(now_);
    for (const FakeOutbox::ToWorker& t : out_->Sent<proto::Tasks>()) Answer(t, "w1");
    out_->to_workers.clear();
  }
  core_->Advance(now_);
  ASSERT_EQ(core_->phase(), Phase::kStopping);
  ASSERT_FALSE(out_->logs.empty());
  FromLogger(proto::Ack{out_->logs.back().first});
  EXPECT_EQ(out_->Sent<proto::Shutdown>().size(), 1u) << "workers told to finish";
  core_->OnSlotExited(1, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  ASSERT_TRUE(std::holds_alternative<proto::Shutdown>(out_->to_logger.back()))
      << "the logger is told to finish once everything is written";
  core_->OnSlotExited(0, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  ASSERT_TRUE(core_->done());
  EXPECT_EQ(core_->exit_code(), proto::master_exit::kOk);
  Snapshot s = core_->TakeSnapshot(now_);
  EXPECT_EQ(s.by_status[0], 10u);
  EXPECT_EQ(s.records_written, 10u);
}

TEST_F(MasterCoreTest, RecordsTheLoggerNeverConfirmedEndTheBatchWithFour) {
  Make(FarmOptions{.workers = 1}, /*tasks=*/3);
  Running();
  for (int round = 0; round < 10 && !out_->feed.exhausted(); ++round) {
    core_->Advance(now_);
    for (const FakeOutbox::ToWorker& t : out_->Sent<proto::Tasks>()) Answer(t, "w1");
    out_->to_workers.clear();
  }
  core_->Advance(now_);
  core_->OnSlotExited(1, supervise::ExitStatus{false, 0}, now_);
  // The logger dies and cannot be started again: its records are lost.
  out_->fail_spawns = true;
  for (int i = 0; i < 30 && !core_->done(); ++i) {
    core_->OnSlotExited(0, supervise::ExitStatus{true, SIGKILL}, now_);
    now_ += seconds(10);
    core_->Advance(now_);
  }
  ASSERT_TRUE(core_->done());
  EXPECT_EQ(core_->exit_code(), proto::master_exit::kOutputFailed);
  EXPECT_EQ(core_->TakeSnapshot(now_).records_written, 0u);
}

TEST_F(MasterCoreTest, AWorkerThatDiesInATaskStrikesItAndIsReplacedAtOnce) {
  Make(FarmOptions{.workers = 1, .retries = 3}, /*tasks=*/5);
  Running();
  core_->Advance(now_);
  std::vector<FakeOutbox::ToWorker> batches = out_->Sent<proto::Tasks>();
  ASSERT_FALSE(batches.empty());
  const uint64_t batch_id = std::get<proto::Tasks>(batches[0].message).batch_id;
  out_->pages.at(1)->Begin(batch_id, 0, 0);
  const size_t starts = out_->starts.size();
  core_->OnSlotExited(1, supervise::ExitStatus{true, SIGSEGV}, now_);
  core_->Advance(now_);
  EXPECT_EQ(out_->starts.size(), starts + 1) << "replaced without a delay";
  EXPECT_EQ(core_->stats().worker_deaths(), 1);
  // The task it ran, struck, runs again alone; the one it held, again.
  EXPECT_EQ(core_->TakeSnapshot(now_).requeued, batches.size());
  EXPECT_EQ(core_->TakeSnapshot(now_).in_flight, 0u);
}

TEST_F(MasterCoreTest, TheSnapshotShowsEachSlotItsRunningTaskAndItsDeaths) {
  Make(FarmOptions{.workers = 2, .retries = 3}, /*tasks=*/5);
  Running();
  core_->Advance(now_);
  std::vector<FakeOutbox::ToWorker> batches = out_->Sent<proto::Tasks>();
  ASSERT_FALSE(batches.empty());
  const uint64_t batch_id = std::get<proto::Tasks>(batches[0].message).batch_id;
  const uint64_t first_id = testutil::DispatcherHarness::Decode(*batches[0].body).ids[0];
  // Worker 1 runs the first task of its first batch, for 2 s now.
  const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             now_.time_since_epoch()).count();
  out_->pages.at(1)->Begin(batch_id, 0, now_ns - 2'000'000'000);
  Snapshot s = core_->TakeSnapshot(now_);
  EXPECT_EQ(s.phase, "running");
  ASSERT_EQ(s.workers.size(), 2u);
  EXPECT_EQ(s.workers[0].name, "worker 1");
  EXPECT_EQ(s.workers[0].pid, out_->pids.at(1));
  EXPECT_EQ(s.workers[0].host, "h");
  EXPECT_EQ(s.workers[0].state, "busy");
  EXPECT_EQ(s.workers[0].task, absl::StrCat("#", first_id, " fib ", first_id));
  EXPECT_DOUBLE_EQ(s.workers[0].running_s, 2.0);
  EXPECT_EQ(s.workers[1].name, "worker 2");
  EXPECT_EQ(s.workers[1].state, "starting");  // no hello yet
  EXPECT_EQ(s.total, 5u);
  EXPECT_EQ(s.queued + s.in_flight, 5u);
  EXPECT_EQ(s.logger_state, "up");

  // It dies in that task: its slot shows the death and the replacement.
  core_->OnSlotExited(1, supervise::ExitStatus{true, SIGSEGV}, now_);
  core_->Advance(now_);
  s = core_->TakeSnapshot(now_);
  EXPECT_EQ(s.workers[0].restarts, 1u);
  EXPECT_EQ(s.workers[0].pid, out_->pids.at(1)) << "the replacement's pid";
  EXPECT_EQ(s.workers[0].state, "starting");
  EXPECT_TRUE(s.workers[0].task.empty());
  EXPECT_EQ(s.worker_deaths, 1u);
  EXPECT_EQ(s.in_flight, 0u);
}

TEST_F(MasterCoreTest, SpawnFailuresAreDeathsAtOnceAndEndAsACrashLoop) {
  FarmOptions options{.workers = 2};
  options.restart.min_delay = milliseconds(10);
  options.restart.max_delay = milliseconds(100);
  out_ = std::make_unique<FakeOutbox>(10);
  out_->fail_spawns = true;
  core_ = std::make_unique<MasterCore>(options, true, out_.get());
  core_->Start(now_);
  // No child, so no SIGCHLD: the failures are deaths as they happen.
  for (int i = 0; i < 100 && !core_->done(); ++i) {
    now_ = core_->NextDeadline(now_);
    core_->Advance(now_);
  }
  ASSERT_TRUE(core_->done());
  EXPECT_EQ(core_->exit_code(), proto::master_exit::kCrashLoop);
  EXPECT_TRUE(out_->SaidSomething("crash loop"));
  EXPECT_TRUE(out_->SaidSomething("fork: Resource temporarily unavailable"));
}

TEST_F(MasterCoreTest, ASecondSignalKillsTheWorkersAndTheirTasksAreNotStruck) {
  Make(FarmOptions{.workers = 1, .retries = 1}, /*tasks=*/5);
  Running();
  core_->Advance(now_);
  const uint64_t batch_id =
      std::get<proto::Tasks>(out_->Sent<proto::Tasks>()[0].message).batch_id;
  out_->pages.at(1)->Begin(batch_id, 0, 0);
  core_->OnSignal(SIGTERM, now_);
  EXPECT_EQ(core_->phase(), Phase::kStopping);
  core_->OnSignal(SIGTERM, now_);
  EXPECT_NE(std::find(out_->signals.begin(), out_->signals.end(),
                      std::make_pair(1, SIGKILL)),
            out_->signals.end());
  core_->OnSlotExited(1, supervise::ExitStatus{true, SIGKILL}, now_);
  core_->Advance(now_);
  core_->OnSlotExited(0, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  ASSERT_TRUE(core_->done());
  EXPECT_EQ(core_->exit_code(), proto::master_exit::kSignalBase + SIGTERM);
  EXPECT_TRUE(out_->logs.empty()) << "no task reported crashed";
}

TEST_F(MasterCoreTest, SighupStopsTheBatchLikeSigterm) {
  Make(FarmOptions{.workers = 1});
  Running();
  core_->OnSignal(SIGHUP, now_);
  EXPECT_EQ(core_->phase(), Phase::kStopping);
  EXPECT_TRUE(out_->SaidSomething("SIGHUP"));
  core_->OnSlotExited(1, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  core_->OnSlotExited(0, supervise::ExitStatus{false, 0}, now_);
  core_->Advance(now_);
  ASSERT_TRUE(core_->done());
  EXPECT_EQ(core_->exit_code(), proto::master_exit::kSignalBase + SIGHUP);
}

TEST_F(MasterCoreTest, ResultsThatDoNotMatchTheirBatchAreDroppedAndTheWorkerReplaced) {
  Make(FarmOptions{.workers = 1}, /*tasks=*/5);
  Running();
  core_->Advance(now_);
  const FakeOutbox::ToWorker sent = out_->Sent<proto::Tasks>()[0];
  proto::RecordWriter writer;
  const proto::Value arg = int64_t{7};
  writer.Add(1'000'000, "fib", {&arg, 1}, proto::TaskStatus::kOk, "1", 100, 1, 1);
  proto::Results r{std::get<proto::Tasks>(sent.message).batch_id, 0, 1, 1, {1, 0, 0, 0, 0}};
  FromWorker(0, proto::TaskIdentity("w1"), r, std::string(writer.Finish()));
  EXPECT_TRUE(out_->logs.empty()) << "a lying frame was relayed";
  EXPECT_NE(std::find(out_->signals.begin(), out_->signals.end(),
                      std::make_pair(1, SIGKILL)),
            out_->signals.end());
  EXPECT_TRUE(out_->SaidSomething("sent bad results"));
  EXPECT_EQ(core_->stats().done(), 0u);
}

// The summary's "dropped N late or malformed messages" counted the
// heartbeats a worker sends while it is being retired, killed or stopped:
// expected, and no sign of trouble. Results for a batch taken back, and
// frames that do not decode, are.
TEST_F(MasterCoreTest, OnlyStaleResultsAndMalformedFramesCountAsDropped) {
  Make(FarmOptions{.workers = 1}, /*tasks=*/5);
  Running();
  core_->Advance(now_);
  const FakeOutbox::ToWorker sent = out_->Sent<proto::Tasks>()[0];
  core_->OnSlotExited(1, supervise::ExitStatus{true, SIGKILL}, now_);
  for (const std::string& identity :
       {proto::TaskIdentity("w1"), proto::HeartbeatIdentity("w1")}) {
    FromWorker(0, identity, proto::Heartbeat{.worker_id = "w1"});
  }
  EXPECT_EQ(core_->stats().dropped(), 0u) << "a dead worker's last heartbeats";
  Answer(sent, "w1");  // its batch went back to the queue: stale
  EXPECT_EQ(core_->stats().dropped(), 1u);
  proto::Parts garbage;
  garbage.push_back(proto::Frame(proto::TaskIdentity("w1")));
  garbage.push_back(proto::Frame("not msgpack"));
  core_->OnWorkerFrames(0, absl::MakeSpan(garbage), now_);
  EXPECT_EQ(core_->stats().dropped(), 2u);
}

TEST_F(MasterCoreTest, AHelloFromADeadChildIsRefused) {
  Make(FarmOptions{.workers = 1});
  const pid_t dead = out_->pids.at(1);
  core_->OnSlotExited(1, supervise::ExitStatus{true, SIGKILL}, now_);
  Hello(0, "ghost", dead);
  EXPECT_FALSE(out_->check_asked);
  EXPECT_EQ(core_->stats().dropped(), 1u);
}

TEST_F(MasterCoreTest, NoWorkerAndNoWayToGetOneIsSaid) {
  Make(FarmOptions{.workers = 0});
  EXPECT_TRUE(out_->SaidSomething("no workers"));
  core_->Advance(now_);
  ASSERT_TRUE(core_->done());
  EXPECT_EQ(core_->exit_code(), proto::master_exit::kUsage);
}

TEST_F(MasterCoreTest, WaitingForRemoteWorkersIsSaidNowAndThen) {
  FarmOptions options{.workers = 0};
  options.remote.listen = "tcp://127.0.0.1:0";
  Make(options, /*tasks=*/4);
  Hello(1, "r1", 4711);
  core_->OnInputChecked(absl::OkStatus(), {}, now_);
  FromLogger(proto::LoggerHello{1});
  // The only worker goes silent and is declared lost.
  for (int i = 0; i < 5; ++i) {
    now_ += seconds(1);
    core_->Advance(now_);
  }
  EXPECT_TRUE(out_->SaidSomething("lost remote worker"));
  size_t notices = 0;
  for (int i = 0; i < 200; ++i) {
    now_ += seconds(1);
    core_->Advance(now_);
  }
  for (const std::string& line : out_->said) {
    if (line.find("waiting for remote workers to join (4 tasks to go)") != std::string::npos) ++notices;
  }
  EXPECT_GE(notices, 3u) << "said once after 10 s, then every minute";
  EXPECT_LE(notices, 5u);
  EXPECT_FALSE(core_->done());
}

}  // namespace
}  // namespace taskfarm::master
