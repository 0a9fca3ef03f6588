// The master's cost per task, in-process: what Session does for every task
// of a tiny-task batch, with the workers' and the logger's sockets replaced
// by inproc peers driven from the same thread. Each figure is per task
// (ns_per_task); BM_MasterHotPath is the sum that bounds how many workers
// one master can feed, and BM_FakePeers is the part of it that is the fake
// peers' own work (subtract it).
//
//   ./tools/bazel run -c opt //bench:routing_benchmark
//
// What Session does per batch, and where it is measured here:
//   input    TaskSource::Check (the one read, into the       BM_Check,
//            spool) and SpoolFeed::Fill (from the spool)    BM_Fill
//   dispatch Dispatcher NextGrant/Commit/OnResults          BM_Dispatcher
//   relay    LogRelay Push + Ack over a socket              BM_LogRelay
//   all      Dispatch, send, receive, decode, relay         BM_MasterHotPath

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
#include "master/input/spool.h"
#include "master/input/spool_feed.h"
#include "master/input/task_source.h"
#include "master/log_relay.h"
#include "master/stats.h"
#include "master/worker_pool.h"
#include "proto/batch.h"
#include "proto/codec.h"
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

// One worker with a measured task time, so grants are full batches.
Dispatcher::Options DispatcherOptions(uint32_t batch) {
  Dispatcher::Options o;
  o.max_batch = batch;
  return o;
}

proto::Results ResultsFor(uint64_t batch_id, uint32_t count) {
  proto::Results r{batch_id, 0, count, /*elapsed_us=*/0, {}};  // tiny tasks
  r.by_status[0] = count;
  return r;
}

// The books only: grant, commit, results, per batch of range(0).
void BM_Dispatcher(benchmark::State& state) {
  const uint32_t batch = static_cast<uint32_t>(state.range(0));
  Dispatcher dispatcher(DispatcherOptions(batch));
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

// A zmq message sharing `body`, as Session sends task batches.
zmq::message_t SharedFrame(std::shared_ptr<const std::string> body) {
  auto* hold = new std::shared_ptr<const std::string>(std::move(body));
  return zmq::message_t(
      const_cast<char*>((*hold)->data()), (*hold)->size(),
      [](void*, void* hint) {
        delete static_cast<std::shared_ptr<const std::string>*>(hint);
      },
      hold);
}

// The master's two sockets and their fake peers, on inproc.
struct Wiring {
  static constexpr char kWorkerIdentity[] = "Tbench";

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
    worker.socket().set(zmq::sockopt::routing_id, kWorkerIdentity);
    logger.socket().set(zmq::sockopt::routing_id, "Lbench");
    (void)work.Bind("inproc://work");
    (void)log.Bind("inproc://log");
    (void)worker.Connect("inproc://work");
    (void)logger.Connect("inproc://log");
    // ROUTERs learn their peers' identities from a first message.
    (void)worker.Send({"hi"});
    (void)logger.Send({"hi"});
    (void)work.Recv(3);
    (void)log.Recv(3);
  }

  zmq::context_t context{1};
  proto::Transport work, log;        // the master's
  proto::Transport worker, logger;   // the fakes'
};

// The relay alone: one records frame of range(0) records per Push, acked
// by the fake logger every 16 frames.
void BM_LogRelay(benchmark::State& state) {
  const uint32_t batch = static_cast<uint32_t>(state.range(0));
  Wiring wiring;
  master::LogRelay relay(&wiring.log, 64 << 20);
  relay.Attach("Lbench");
  const std::string frame = FibRecordFrame(batch);
  uint64_t tasks = 0, seq = 0;
  for (auto _ : state) {
    relay.Push(proto::Frame(frame));
    tasks += batch;
    ++seq;
    (void)wiring.logger.Recv(2);
    if (seq % 16 == 0) {
      (void)wiring.logger.Send({proto::Codec::Encode(proto::Ack{seq})});
      auto ack = wiring.log.Recv(2);
      auto m = proto::Codec::Decode(proto::View((**ack)[1]));
      relay.OnAck(std::get<proto::Ack>(*m).seq);
    }
  }
  PerTask(state, tasks);
}
BENCHMARK(BM_LogRelay)->Arg(1)->Arg(1024);

// The record count a records frame claims (as Session checks it).
std::optional<uint32_t> FrameCount(const zmq::message_t& frame) {
  const auto* p = static_cast<const unsigned char*>(frame.data());
  if (frame.size() < 5 || p[0] != 0xdd) return std::nullopt;
  return (uint32_t{p[1]} << 24) | (uint32_t{p[2]} << 16) |
         (uint32_t{p[3]} << 8) | uint32_t{p[4]};
}

// Everything Session does for one batch of tiny tasks, end to end but in
// one thread: grant, fill from the input (read and checked into the spool
// once per 1,000,000 tasks, timed), commit, send the batch; the fake
// worker answers with a records frame; receive, decode the header, check
// and book the results, count them, relay the frame to the fake logger;
// the logger acks every 16 frames. range(0): 0 = fib file input, 1 = range.
void BM_MasterHotPath(benchmark::State& state) {
  const bool range = state.range(0) == 1;
  const uint32_t batch = 1024;
  Wiring wiring;
  master::WorkerPool pool({&wiring.work}, std::chrono::seconds(3));
  proto::Hello hello{.worker_id = "bench", .pid = 4711};
  master::WorkerEntry& w = pool.Add(0, hello, std::nullopt, base::Now());
  Dispatcher dispatcher(DispatcherOptions(batch));
  dispatcher.AddWorker(w.id, w.pid);
  master::LogRelay relay(&wiring.log, 64 << 20);
  relay.Attach("Lbench");
  master::Stats stats;
  proto::TaskBatchWriter writer;
  const std::vector<InputSpec> input = range ? RangeInput(kFileTasks) : FileInput();
  const std::string spool = SpoolPath(range ? "range.spool" : "file.spool");
  std::unique_ptr<SpoolFeed> source = OpenFeed(state, input, spool, true);
  if (source == nullptr) return;
  // The fake worker's answer, made once: a full records frame.
  const std::string records = FibRecordFrame(batch);
  uint64_t tasks = 0, seq = 0;
  bool measured = false;

  for (auto _ : state) {
    if (source->exhausted()) {
      // The input read and checked again, timed: its cost per task is part
      // of the master's.
      source = OpenFeed(state, input, spool, true);
    }
    // Session::Dispatch.
    std::optional<Dispatcher::Grant> grant = dispatcher.NextGrant(true);
    writer.Clear();
    uint64_t min_id = source->next_id();
    uint32_t n = dispatcher.TakeRequeued(*grant, &writer, &min_id);
    n += *source->Fill(&writer, grant->max_tasks - n, UINT64_MAX, nullptr);
    auto body = std::make_shared<const std::string>(writer.Finish());
    const uint64_t batch_id = dispatcher.Commit(*grant, body, n, min_id);
    pool.SendTasks(*pool.Get(grant->worker), batch_id, n, SharedFrame(body));

    // The fake worker: take the batch, answer with n records.
    (void)wiring.worker.Recv(2);
    proto::Parts answer;
    answer.push_back(proto::Frame(proto::Codec::Encode(ResultsFor(batch_id, n))));
    answer.push_back(proto::Frame(n == batch ? absl::string_view(records)
                                             : FibRecordFrame(n)));
    (void)wiring.worker.Send(absl::MakeSpan(answer));

    // Session::OnWorkerMessage + OnResults.
    auto in = wiring.work.Recv(3, zmq::recv_flags::dontwait);
    proto::Parts& parts = **in;
    const std::string identity(proto::View(parts[0]));
    auto message = proto::Codec::Decode(proto::View(parts[1]));
    master::WorkerEntry* from = pool.ByIdentity(0, identity);
    pool.Touch(*from, base::Now());
    const auto& results = std::get<proto::Results>(*message);
    std::optional<uint32_t> count = FrameCount(parts[2]);
    if (!count || *count != results.count ||
        !dispatcher.OnResults(from->id, results)) {
      state.SkipWithError("results refused");
      break;
    }
    stats.AddResults(results, from->id, from->host, from->pid);
    relay.Push(std::move(parts[2]));

    // The fake logger, and its ack coming back.
    (void)wiring.logger.Recv(2);
    if (++seq % 16 == 0) {
      (void)wiring.logger.Send({proto::Codec::Encode(proto::Ack{seq})});
      auto ack = wiring.log.Recv(2);
      auto m = proto::Codec::Decode(proto::View((**ack)[1]));
      relay.OnAck(std::get<proto::Ack>(*m).seq);
    }
    if (measured) tasks += n;
    measured = true;  // the first batch has 1 task (time not measured yet)
  }
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
  const std::string tasks_frame = FibTaskFrame(batch);
  const std::string records = FibRecordFrame(batch);
  const std::string tasks_header = proto::Codec::Encode(proto::Tasks{1, batch});
  uint64_t tasks = 0, seq = 0;
  for (auto _ : state) {
    (void)wiring.work.Send({Wiring::kWorkerIdentity, tasks_header, tasks_frame});
    (void)wiring.worker.Recv(2);
    proto::Parts answer;
    answer.push_back(proto::Frame(proto::Codec::Encode(ResultsFor(1, batch))));
    answer.push_back(proto::Frame(records));
    (void)wiring.worker.Send(absl::MakeSpan(answer));
    auto in = wiring.work.Recv(3);
    proto::Parts out;
    out.push_back(proto::Frame("Lbench"));
    out.push_back(proto::Frame(proto::Codec::Encode(proto::Log{++seq})));
    out.push_back(std::move((**in)[2]));
    (void)wiring.log.Send(absl::MakeSpan(out));
    (void)wiring.logger.Recv(2);
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
