// The master's cost per task, in-process: the real MasterCore, sending
// through the real SocketSends, with the workers' and the logger's sockets
// replaced by inproc peers driven from the same thread. Each figure is per
// task (ns_per_task); BM_MasterHotPath is the sum that bounds how many
// workers one master can feed, and BM_FakePeers is the part of it that is
// the fake peers' own work (subtract it).
//
//   ./tools/bazel run -c opt //bench:routing_benchmark
//
// What the master does per batch, and where it is measured here:
//   input    TaskSource::Check (the one read, into the       BM_Check,
//            spool) and SpoolFeed::Fill (from the spool)    BM_Fill
//   dispatch Dispatcher NextGrant/Commit/OnResults          BM_Dispatcher
//   all      MasterCore: hand out, send, receive, check,    BM_MasterHotPath
//            book, relay to the logger, take its acks

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/strings/str_cat.h"
#include "bench/samples.h"
#include "benchmark/benchmark.h"
#include "master/dispatcher.h"
#include "master/input/kind_table.h"
#include "master/batch_io.h"
#include "master/input/spool.h"
#include "master/input/spool_feed.h"
#include "master/input/task_source.h"
#include "master/master_core.h"
#include "master/outbox.h"
#include "master/socket_sends.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "proto/messages.h"
#include "proto/transport.h"

namespace taskfarm::bench {
namespace {

using master::Dispatcher;
using master::InputSpec;
using master::KindTable;
using master::SpoolFeed;
using master::SpoolWriter;
using master::TaskSource;

constexpr uint64_t kFileTasks = 1'000'000;

// Seconds per task, shown as ns_per_task.
void PerTask(benchmark::State& state, uint64_t tasks) {
  state.counters["ns_per_task"] = benchmark::Counter(
      static_cast<double>(tasks),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<int64_t>(tasks));
}

const KindTable& Kinds() {
  static const KindTable* const kinds =
      new KindTable(*KindTable::From(StandardKinds()));
  return *kinds;
}

const std::string& FibFile() {
  static const std::string* const path =
      new std::string(TempFile("fib.tasks", FibLines(kFileTasks)));
  return *path;
}

std::vector<InputSpec> FileInput() { return {{.path = FibFile()}}; }
std::vector<InputSpec> RangeInput(uint64_t n) {
  return {{.text = absl::StrCat("fib 0..", n - 1), .is_text = true}};
}

// The directory of the benchmarks' spools, and the spools made there
// (tens of MB each): removed at exit.
struct SpoolDir {
  std::string path;
  std::vector<std::string> spools;
};
SpoolDir& Spools() {
  static SpoolDir* const dir = [] {
    auto* d = new SpoolDir;
    std::string marker = TempFile("spools", "");
    unlink(marker.c_str());
    d->path = marker.substr(0, marker.rfind('/'));
    std::atexit([] {
      for (const std::string& spool : Spools().spools) unlink(spool.c_str());
      rmdir(Spools().path.c_str());
    });
    return d;
  }();
  return *dir;
}

std::string SpoolPath(absl::string_view name) {
  std::string path = absl::StrCat(Spools().path, "/", name);
  Spools().spools.push_back(path);
  return path;
}

// The check: every line read once, parsed, fingerprinted and spooled to
// `spool`. Returns the task count (0 after an error, reported to `state`).
uint64_t CheckInto(benchmark::State& state,
                   const std::vector<InputSpec>& input,
                   const std::string& spool) {
  auto writer = SpoolWriter::Create(spool);
  if (!writer.ok()) {
    state.SkipWithError("spool");
    return 0;
  }
  TaskSource source(input, &Kinds());
  std::vector<std::string> errors;
  auto summary = source.Check(&errors, 20, writer->get());
  if (!summary.ok() || !errors.empty()) {
    state.SkipWithError("check");
    return 0;
  }
  return summary->total;
}

void BM_Check(benchmark::State& state) {
  const std::string spool = SpoolPath("check.spool");
  uint64_t tasks = 0;
  for (auto _ : state) tasks += CheckInto(state, FileInput(), spool);
  PerTask(state, tasks);
}
BENCHMARK(BM_Check)->Unit(benchmark::kMillisecond);

// A feed of a spool of `input`: checked into `spool` again if `check`
// (else once, the first time).
std::unique_ptr<SpoolFeed> OpenFeed(benchmark::State& state,
                                    const std::vector<InputSpec>& input,
                                    const std::string& spool, bool check) {
  static uint64_t total = 0;
  static std::string made;
  if (check || made != spool) {
    total = CheckInto(state, input, spool);
    made = spool;
  }
  auto feed = SpoolFeed::Open(spool, total);
  if (!feed.ok()) {
    state.SkipWithError("open");
    return nullptr;
  }
  return *std::move(feed);
}

// The feed: tasks streamed from the spool into batches of range(0).
void Fill(benchmark::State& state, const std::vector<InputSpec>& input,
          const std::string& spool) {
  const uint32_t batch = static_cast<uint32_t>(state.range(0));
  proto::TaskBatchWriter writer;
  uint64_t tasks = 0;
  for (auto _ : state) {
    std::unique_ptr<SpoolFeed> source = OpenFeed(state, input, spool, false);
    if (source == nullptr) break;
    while (!source->exhausted()) {
      writer.Clear();
      auto n = source->Fill(&writer, batch, UINT64_MAX, nullptr);
      if (!n.ok()) state.SkipWithError("fill");
      tasks += *n;
      benchmark::DoNotOptimize(writer.Finish().data());
    }
  }
  PerTask(state, tasks);
}
void BM_FillFile(benchmark::State& state) {
  Fill(state, FileInput(), SpoolPath("file.spool"));
}
void BM_FillRange(benchmark::State& state) {
  Fill(state, RangeInput(kFileTasks), SpoolPath("range.spool"));
}
BENCHMARK(BM_FillFile)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FillRange)->Arg(1024)->Unit(benchmark::kMillisecond);

proto::Results ResultsFor(uint64_t batch_id, uint32_t count) {
  proto::Results r{batch_id, 0, count, /*elapsed_us=*/0, {}};  // tiny tasks
  r.by_status[0] = count;
  return r;
}

// The books only: grant, commit, results, per batch of range(0).
void BM_Dispatcher(benchmark::State& state) {
  const uint32_t batch = static_cast<uint32_t>(state.range(0));
  Dispatcher::Options options;
  options.max_batch = batch;
  Dispatcher dispatcher(options);
  dispatcher.AddWorker(1, 4711);
  auto body = std::make_shared<const std::string>(FibTaskFrame(batch));
  // Teach it the task time: afterwards every grant is a full batch.
  auto first = dispatcher.NextGrant(true);
  uint64_t id = dispatcher.Commit(*first, body, 1, 0);
  (void)dispatcher.OnResults(1, ResultsFor(id, 1));
  uint64_t tasks = 0;
  for (auto _ : state) {
    std::optional<Dispatcher::Grant> grant = dispatcher.NextGrant(true);
    const uint32_t n = grant->max_tasks;
    id = dispatcher.Commit(*grant, body, n, tasks);
    if (!dispatcher.OnResults(1, ResultsFor(id, n))) state.SkipWithError("results");
    tasks += n;
  }
  PerTask(state, tasks);
}
BENCHMARK(BM_Dispatcher)->Arg(1)->Arg(1024);

constexpr char kWorkerId[] = "bench";
// The pid BenchOutbox gives the child of slot 1, the worker's (slot 0 is
// the logger's): the fake worker stands for a local worker.
constexpr int64_t kWorkerPid = 1001;

// The master's two sockets and their fake peers, on inproc.
struct Wiring {
  Wiring()
      : work(context, zmq::socket_type::router),
        log(context, zmq::socket_type::router),
        worker(context, zmq::socket_type::dealer),
        logger(context, zmq::socket_type::dealer) {
    for (proto::Transport* t : {&work, &log}) {
      t->socket().set(zmq::sockopt::router_mandatory, true);
      t->socket().set(zmq::sockopt::sndhwm, 0);
      t->socket().set(zmq::sockopt::rcvhwm, 0);
    }
    for (proto::Transport* t : {&worker, &logger}) {
      t->socket().set(zmq::sockopt::sndhwm, 0);
      t->socket().set(zmq::sockopt::rcvhwm, 0);
    }
    worker.socket().set(zmq::sockopt::routing_id, proto::TaskIdentity(kWorkerId));
    logger.socket().set(zmq::sockopt::routing_id, proto::LoggerIdentity(1));
    (void)work.Bind("inproc://work");
    (void)log.Bind("inproc://log");
    (void)worker.Connect("inproc://work");
    (void)logger.Connect("inproc://log");
  }

  zmq::context_t context{1};
  proto::Transport work, log;        // the master's
  proto::Transport worker, logger;   // the fakes'
};

// The fake worker's answer to a tasks body: one ok record per task, with
// the task's id and arguments, as a worker that computes nothing writes.
void AnswerTasks(const zmq::message_t& tasks, proto::TaskBatchReader* reader,
                 proto::TaskView* task, proto::RecordWriter* writer) {
  writer->Clear();
  if (!reader->Open(proto::View(tasks)).ok()) return;
  for (size_t i = 0; i < reader->size(); ++i) {
    if (!reader->Get(i, task).ok()) return;
    writer->Add(task->id, "fib", task->args, proto::TaskStatus::kOk, "1",
                kWorkerPid, task->attempt, 0);
  }
}

// The shell's part for the benchmark: the real socket sends and the real
// BatchIo (the input checked into a spool, fed from it), and no processes.
class BenchOutbox : public master::Outbox {
 public:
  BenchOutbox(Wiring& w, std::vector<InputSpec> input)
      : sends_({&w.work}, &w.log), options_(Options(std::move(input))),
        io_(options_) {
    prepared_ = io_.Prepare(Spools().path);
    Spools().spools.push_back(absl::StrCat(Spools().path, "/input.spool"));
    Spools().spools.push_back(absl::StrCat(Spools().path, "/handoff"));
  }

  static master::FarmOptions Options(std::vector<InputSpec> input) {
    master::FarmOptions o;
    o.workers = 1;
    o.max_batch = 1024;
    o.heartbeat = std::chrono::hours(1);  // no heartbeat in the way
    o.startup_timeout = std::chrono::seconds(0);
    o.inputs = std::move(input);
    return o;
  }
  const master::FarmOptions& options() const { return options_; }

  void SendTasks(size_t port, absl::string_view identity,
                 const proto::Tasks& header,
                 const std::shared_ptr<const std::string>& body) override {
    sends_.SendTasks(port, identity, header, body);
  }
  void SendToWorker(size_t port, absl::string_view identity,
                    const proto::Message& message) override {
    sends_.SendToWorker(port, identity, message);
  }
  void SendLog(absl::string_view logger, uint64_t seq,
               const zmq::message_t& records) override {
    sends_.SendLog(logger, seq, records);
  }
  void SendToLogger(absl::string_view logger,
                    const proto::Message& message) override {
    sends_.SendToLogger(logger, message);
  }
  void Deliver(zmq::message_t) override {}
  absl::StatusOr<master::Spawned> StartSlot(int slot,
                                            const master::SlotSpec&) override {
    return master::Spawned{1000 + slot, std::nullopt};
  }
  void SignalSlot(int, pid_t, int) override {}
  // Inline, where the master uses a thread: the result is kept for
  // Farm to hand to the core.
  void CheckInput(const KindTable& kinds) override {
    checked = prepared_.ok() ? io_.Check(kinds, &errors) : prepared_;
  }
  absl::StatusOr<master::InputReady> OpenOutput() override {
    if (absl::Status s = io_.OpenOutput(); !s.ok()) return s;
    return master::InputReady{io_.source(), io_.total(), io_.done(), false, ""};
  }
  void Say(absl::string_view) override {}
  void Print(absl::string_view) override {}

  absl::Status checked = absl::UnknownError("not checked");
  std::vector<std::string> errors;

 private:
  master::SocketSends sends_;
  master::FarmOptions options_;
  master::BatchIo io_;
  absl::Status prepared_;
};

// The fake logger: takes the next Log (passing over progress lines) and
// returns its sequence number.
uint64_t TakeLog(proto::Transport& logger) {
  for (;;) {
    auto in = logger.Recv(2);
    auto message = proto::Codec::Decode(proto::View((**in)[0]));
    if (const auto* log = std::get_if<proto::Log>(&*message)) return log->seq;
  }
}

// A master core with one connected worker and an attached logger, ready to
// hand out `input`.
struct Farm {
  Farm(Wiring& w, std::vector<InputSpec> input)
      : outbox(w, std::move(input)),
        core(outbox.options(), /*with_logger=*/true, &outbox) {
    const base::Instant now = base::Now();
    core.Start(now);
    (void)w.worker.Send({proto::Codec::Encode(proto::Hello{
        .worker_id = kWorkerId, .pid = kWorkerPid, .kinds = StandardKinds()})});
    auto hello = w.work.Recv(3);
    core.OnWorkerFrames(0, absl::MakeSpan(**hello), now);
    core.OnInputChecked(outbox.checked, outbox.errors, now);
    (void)w.worker.Recv(2);  // the Welcome
    (void)w.logger.Send({proto::Codec::Encode(proto::LoggerHello{1})});
    auto logger_hello = w.log.Recv(2);
    core.OnLoggerFrames(absl::MakeSpan(**logger_hello), now);
    core.Advance(now);
  }

  BenchOutbox outbox;
  master::MasterCore core;
};

// Everything the master does for one batch of tiny tasks, end to end but in
// one thread: the input checked into the spool (once per 1,000,000 tasks,
// timed), then the core hands out a batch (grant, fill from the spool,
// commit, send); the fake worker answers with a records frame; the core
// receives it, checks and books the results and relays the frame to the
// fake logger; the logger acks every 16 frames. range(0): 0 = fib file
// input, 1 = range.
void BM_MasterHotPath(benchmark::State& state) {
  const bool range = state.range(0) == 1;
  Wiring wiring;
  auto input = [&] { return range ? RangeInput(kFileTasks) : FileInput(); };
  std::unique_ptr<Farm> farm;
  proto::TaskBatchReader reader;
  proto::TaskView task;
  proto::RecordWriter writer;
  uint64_t tasks = 0, handed = 0, logs = 0;

  for (auto _ : state) {
    if (farm == nullptr || handed >= kFileTasks - 8 * 1024) {
      // The input runs out: start over with a fresh master, whose input
      // check is timed (it is a cost per task too).
      state.PauseTiming();
      while (wiring.worker.Recv(2, zmq::recv_flags::dontwait)->has_value()) {}
      while (wiring.logger.Recv(2, zmq::recv_flags::dontwait)->has_value()) {}
      farm.reset();
      state.ResumeTiming();
      farm = std::make_unique<Farm>(wiring, input());
      handed = logs = 0;
    }
    // The fake worker: take a batch, answer with its records.
    auto batch = wiring.worker.Recv(2);
    AnswerTasks((**batch)[1], &reader, &task, &writer);
    const proto::Tasks header =
        std::get<proto::Tasks>(*proto::Codec::Decode(proto::View((**batch)[0])));
    const uint32_t n = writer.count();
    proto::Parts answer;
    answer.push_back(proto::Frame(proto::Codec::Encode(ResultsFor(header.batch_id, n))));
    answer.push_back(proto::Frame(writer.Finish()));
    (void)wiring.worker.Send(absl::MakeSpan(answer));

    // The master: the results in, the next batch out.
    const base::Instant now = base::Now();
    auto in = wiring.work.Recv(3);
    farm->core.OnWorkerFrames(0, absl::MakeSpan(**in), now);

    // The fake logger, and its ack coming back.
    const uint64_t seq = TakeLog(wiring.logger);
    if (++logs % 16 == 0) {
      (void)wiring.logger.Send({proto::Codec::Encode(proto::Ack{seq})});
      auto ack = wiring.log.Recv(2);
      farm->core.OnLoggerFrames(absl::MakeSpan(**ack), now);
    }
    farm->core.Advance(now);
    handed += n;
    tasks += n;
  }
  if (farm->core.stats().dropped() > 0) state.SkipWithError("results dropped");
  PerTask(state, tasks);
  state.SetLabel(range ? "range input" : "file input");
}
BENCHMARK(BM_MasterHotPath)->Arg(0)->Arg(1);

// The fake peers' share of BM_MasterHotPath: the worker's receive and
// answer, the logger's receive and ack, with the master's side reduced to
// forwarding raw frames.
void BM_FakePeers(benchmark::State& state) {
  const uint32_t batch = 1024;
  Wiring wiring;
  (void)wiring.worker.Send({"hi"});  // the ROUTERs learn their peers
  (void)wiring.logger.Send({"hi"});
  (void)wiring.work.Recv(3);
  (void)wiring.log.Recv(3);
  const std::string tasks_frame = FibTaskFrame(batch);
  const std::string tasks_header = proto::Codec::Encode(proto::Tasks{1, batch});
  const std::string worker = proto::TaskIdentity(kWorkerId);
  const std::string logger = proto::LoggerIdentity(1);
  proto::TaskBatchReader reader;
  proto::TaskView task;
  proto::RecordWriter writer;
  uint64_t tasks = 0, seq = 0;
  for (auto _ : state) {
    (void)wiring.work.Send({worker, tasks_header, tasks_frame});
    auto in_batch = wiring.worker.Recv(2);
    AnswerTasks((**in_batch)[1], &reader, &task, &writer);
    (void)std::get<proto::Tasks>(*proto::Codec::Decode(proto::View((**in_batch)[0])));
    proto::Parts answer;
    answer.push_back(proto::Frame(proto::Codec::Encode(ResultsFor(1, batch))));
    answer.push_back(proto::Frame(writer.Finish()));
    (void)wiring.worker.Send(absl::MakeSpan(answer));
    auto in = wiring.work.Recv(3);
    proto::Parts out;
    out.push_back(proto::Frame(logger));
    out.push_back(proto::Frame(proto::Codec::Encode(proto::Log{++seq})));
    out.push_back(std::move((**in)[2]));
    (void)wiring.log.Send(absl::MakeSpan(out));
    (void)TakeLog(wiring.logger);
    if (seq % 16 == 0) {
      (void)wiring.logger.Send({proto::Codec::Encode(proto::Ack{seq})});
      (void)wiring.log.Recv(2);
    }
    tasks += batch;
  }
  PerTask(state, tasks);
}
BENCHMARK(BM_FakePeers);

}  // namespace
}  // namespace taskfarm::bench
