// Benchmarks of the bytes on the hot path, per task: task batches (master
// encodes, worker decodes), record batches (worker encodes, logger decodes),
// header frames (one per batch). Batches are the tiny-task batch of issue 5
// (bench/samples.h). The logger's formatters: bench/formatter_benchmark.cc.
//
//   ./tools/bazel run -c opt //bench:codec_benchmark

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "bench/samples.h"
#include "benchmark/benchmark.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/messages.h"
#include "proto/value.h"

namespace taskfarm::bench {
namespace {

void PerTask(benchmark::State& state, uint32_t per_iteration) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          per_iteration);
}

uint32_t BatchArg(const benchmark::State& state) {
  return static_cast<uint32_t>(state.range(0));
}

// Master: one batch of fresh tasks, as TaskSource::Fill writes them.
void BM_TaskBatchWrite(benchmark::State& state) {
  const uint32_t n = BatchArg(state);
  proto::TaskBatchWriter writer;
  proto::Value arg[1];
  for (auto _ : state) {
    writer.Clear();
    for (uint32_t i = 0; i < n; ++i) {
      arg[0] = FibArg(i);
      writer.Add(i, 0, arg, 1);
    }
    benchmark::DoNotOptimize(writer.Finish().data());
  }
  PerTask(state, n);
}
BENCHMARK(BM_TaskBatchWrite)->Arg(1)->Arg(64)->Arg(1024);

// Master: requeued tasks (arguments kept packed).
void BM_TaskBatchWritePacked(benchmark::State& state) {
  const uint32_t n = BatchArg(state);
  proto::TaskBatchWriter writer;
  const std::string args = proto::PackArgs({proto::Value{int64_t{42}}});
  for (auto _ : state) {
    writer.Clear();
    for (uint32_t i = 0; i < n; ++i) writer.AddPacked(i, 0, args, 2);
    benchmark::DoNotOptimize(writer.Finish().data());
  }
  PerTask(state, n);
}
BENCHMARK(BM_TaskBatchWritePacked)->Arg(1024);

// Worker: open a received batch and read every task.
void BM_TaskBatchRead(benchmark::State& state) {
  const uint32_t n = BatchArg(state);
  const std::string frame = FibTaskFrame(n);
  proto::TaskBatchReader reader;
  proto::TaskView view;
  for (auto _ : state) {
    if (!reader.Open(frame).ok()) state.SkipWithError("open");
    for (size_t i = 0; i < reader.size(); ++i) {
      if (!reader.Get(i, &view).ok()) state.SkipWithError("get");
    }
    benchmark::DoNotOptimize(view.id);
  }
  PerTask(state, n);
}
BENCHMARK(BM_TaskBatchRead)->Arg(1)->Arg(64)->Arg(1024);

// Worker: one record per finished task.
void BM_RecordWrite(benchmark::State& state) {
  const uint32_t n = BatchArg(state);
  std::vector<std::string> results;
  for (uint32_t i = 0; i < 90; ++i) results.push_back(FibText(FibArg(i)));
  proto::RecordWriter writer;
  proto::Value arg[1];
  for (auto _ : state) {
    writer.Clear();
    for (uint32_t i = 0; i < n; ++i) {
      arg[0] = FibArg(i);
      writer.Add(i, "fib", arg, proto::TaskStatus::kOk, results[i % 90], 4711,
                 1, 0);
    }
    benchmark::DoNotOptimize(writer.Finish().data());
  }
  PerTask(state, n);
}
BENCHMARK(BM_RecordWrite)->Arg(1)->Arg(64)->Arg(1024);

// Logger: open a records frame and read every record.
void BM_RecordRead(benchmark::State& state) {
  const uint32_t n = BatchArg(state);
  const std::string frame = FibRecordFrame(n);
  proto::RecordReader reader;
  proto::RecordView view;
  for (auto _ : state) {
    if (!reader.Open(frame).ok()) state.SkipWithError("open");
    for (size_t i = 0; i < reader.size(); ++i) {
      if (!reader.Get(i, &view).ok()) state.SkipWithError("get");
    }
    benchmark::DoNotOptimize(view.id);
  }
  PerTask(state, n);
}
BENCHMARK(BM_RecordRead)->Arg(1)->Arg(64)->Arg(1024);

// Header frames: one per batch each way (Tasks, Results, Log, Ack).
proto::Message Sample(proto::MessageType type) {
  switch (type) {
    case proto::MessageType::kTasks:
      return proto::Tasks{123456, 1024};
    case proto::MessageType::kResults:
      return proto::Results{123456, 0, 1024, 1800, {1024, 0, 0, 0, 0}};
    case proto::MessageType::kLog:
      return proto::Log{98765};
    default:
      return proto::Ack{98765};
  }
}

void BM_CodecEncode(benchmark::State& state) {
  const proto::Message m = Sample(static_cast<proto::MessageType>(state.range(0)));
  for (auto _ : state) {
    std::string frame = proto::Codec::Encode(m);
    benchmark::DoNotOptimize(frame.data());
  }
}
void BM_CodecDecode(benchmark::State& state) {
  const std::string frame =
      proto::Codec::Encode(Sample(static_cast<proto::MessageType>(state.range(0))));
  for (auto _ : state) {
    auto m = proto::Codec::Decode(frame);
    benchmark::DoNotOptimize(m.ok());
  }
}
void BM_CodecPeekType(benchmark::State& state) {
  const std::string frame =
      proto::Codec::Encode(Sample(static_cast<proto::MessageType>(state.range(0))));
  for (auto _ : state) {
    auto t = proto::Codec::PeekType(frame);
    benchmark::DoNotOptimize(t.ok());
  }
}
void HeaderArgs(benchmark::internal::Benchmark* b) {
  b->ArgName("type");
  for (auto t : {proto::MessageType::kTasks, proto::MessageType::kResults,
                 proto::MessageType::kLog, proto::MessageType::kAck}) {
    b->Arg(static_cast<int64_t>(t));
  }
}
BENCHMARK(BM_CodecEncode)->Apply(HeaderArgs);
BENCHMARK(BM_CodecDecode)->Apply(HeaderArgs);
BENCHMARK(BM_CodecPeekType)->Arg(static_cast<int64_t>(proto::MessageType::kTasks));

}  // namespace
}  // namespace taskfarm::bench
