// Benchmarks of the standard task kinds, each called through the registry
// the way a worker calls it: TaskRegistry::Global()->Find(kind)->fn with a
// Call over already-typed arguments.
//
//   ./tools/bazel run -c opt //bench:tasks_benchmark
//   ./tools/bazel run -c opt //bench:tasks_benchmark --
//   --benchmark_filter=Primes

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "proto/value.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

// Runs `kind` on `args` once per iteration; an error fails the benchmark.
void RunKind(benchmark::State& state, absl::string_view kind,
             const std::vector<proto::Value>& args) {
  const TaskDef* def = TaskRegistry::Global()->Find(kind);
  if (def == nullptr) {
    state.SkipWithError("no such task kind");
    return;
  }
  const Env env;
  const Call call(args, /*id=*/1, /*attempt=*/1, &env);
  std::string result;
  for (auto _ : state) {
    result.clear();
    absl::Status status = def->fn(call, &result);
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(result.data());
  }
  state.SetLabel(result.size() <= 40 ? result : result.substr(0, 37) + "...");
}

uint64_t Arg(const benchmark::State& state, int i = 0) {
  return static_cast<uint64_t>(state.range(i));
}

void BM_Primes(benchmark::State& state) {
  RunKind(state, "primes", {Arg(state)});
}
BENCHMARK(BM_Primes)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Arg(1'000'000'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace taskfarm::tasks
