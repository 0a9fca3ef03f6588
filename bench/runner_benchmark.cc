// The worker's cost per task, in-process: open a received batch and run it
// through worker::Runner (decode each task, check its arguments, call the
// task, time it, publish it in the run-state page, encode its record),
// with the socket replaced by a sink that drops the frames. Tasks are the
// tiny fib tasks of issue 5 (bench/samples.h); BM_FibKernel is the task
// function alone, for comparison.
//
//   ./tools/bazel run -c opt //bench:runner_benchmark

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "bench/samples.h"
#include "benchmark/benchmark.h"
#include "proto/batch.h"
#include "proto/run_state.h"
#include "tasks/registry.h"
#include "worker/runner.h"

namespace taskfarm::bench {
namespace {

class NullSink : public worker::ResultSink {
 public:
  void Send(const proto::Results& header, absl::string_view body) override {
    benchmark::DoNotOptimize(body.data());
    tasks_ += header.count;
  }
  uint64_t tasks_ = 0;
};

uint32_t FibIndex(const std::vector<const tasks::TaskDef*>& kinds) {
  for (uint32_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i]->name == "fib") return i;
  }
  return 0;
}

void BM_RunBatch(benchmark::State& state) {
  const uint32_t batch = static_cast<uint32_t>(state.range(0));
  std::vector<const tasks::TaskDef*> kinds = tasks::TaskRegistry::Global()->List();
  const std::string frame = FibTaskFrame(batch, 0, FibIndex(kinds));
  proto::RunState run_state;
  worker::Runner runner(kinds, 4711, tasks::Env{}, &run_state);
  proto::TaskBatchReader reader;
  NullSink sink;
  uint64_t batch_id = 0;
  for (auto _ : state) {
    if (!reader.Open(frame).ok()) state.SkipWithError("open");
    if (runner.Run(++batch_id, reader, &sink)) state.SkipWithError("fatal");
  }
  state.counters["ns_per_task"] = benchmark::Counter(
      static_cast<double>(sink.tasks_),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<int64_t>(sink.tasks_));
}
BENCHMARK(BM_RunBatch)->Arg(1)->Arg(64)->Arg(1024);

void BM_FibKernel(benchmark::State& state) {
  const tasks::TaskDef* fib = tasks::TaskRegistry::Global()->Find("fib");
  const tasks::Env env;
  std::vector<proto::Value> args(1);
  std::string result;
  uint64_t i = 0;
  for (auto _ : state) {
    args[0] = FibArg(i++);
    result.clear();
    (void)fib->fn(tasks::Call(args, i, 1, &env), &result);
    benchmark::DoNotOptimize(result.data());
  }
  state.counters["ns_per_task"] = benchmark::Counter(
      static_cast<double>(i),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_FibKernel);

}  // namespace
}  // namespace taskfarm::bench
