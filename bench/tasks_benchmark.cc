// Benchmarks of the standard task kinds, each called through the registry
// the way a worker calls it: TaskRegistry::Global()->Find(kind)->fn with a
// Call over already-typed arguments.
//
//   ./tools/bazel run -c opt //bench:tasks_benchmark
//   ./tools/bazel run -c opt //bench:tasks_benchmark --
//   --benchmark_filter=Primes

#include <cmath>
#include <cstdint>
#include <iterator>
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

uint64_t Arg(const benchmark::State& state) {
  return static_cast<uint64_t>(state.range(0));
}

void BM_Fib(benchmark::State& state) {
  RunKind(state, "fib", {static_cast<int64_t>(state.range(0))});
}
BENCHMARK(BM_Fib)->Arg(20)->Arg(90)->Arg(1000)->Arg(100000);

void BM_FibMod(benchmark::State& state) {
  RunKind(state, "fibmod", {Arg(state), uint64_t{1'000'000'007}});
}
BENCHMARK(BM_FibMod)->Arg(1000)->Arg(1'000'000'000'000'000'000);

void BM_Primes(benchmark::State& state) {
  RunKind(state, "primes", {Arg(state)});
}
BENCHMARK(BM_Primes)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Arg(1'000'000'000)
    ->Unit(benchmark::kMillisecond);

// From easy to the hardest 64-bit shape (two 32-bit primes).
constexpr uint64_t kFactorInputs[] = {
    600851475143u,          // small factors
    18446744073709551557u,  // the largest 64-bit prime
    18446744073709551615u,  // 2^64 - 1
    1000000016000000063u,   // 1000000007 * 1000000009
    18446744030759878681u,  // 4294967291^2
    18446743979220271189u,  // 4294967279 * 4294967291
};

void BM_Factor(benchmark::State& state) {
  RunKind(state, "factor", {kFactorInputs[state.range(0)]});
}
BENCHMARK(BM_Factor)->DenseRange(0, std::size(kFactorInputs) - 1);

void BM_Collatz(benchmark::State& state) {
  static const auto* const inputs = new std::vector<std::string>{
      "27", "18446744073709551615", "1" + std::string(100, '0'),
      "1" + std::string(1000, '0')};
  RunKind(state, "collatz",
          {absl::string_view((*inputs)[static_cast<size_t>(state.range(0))])});
}
BENCHMARK(BM_Collatz)->DenseRange(0, 3);

void BM_Sha256(benchmark::State& state) {
  const std::string text(static_cast<size_t>(state.range(0)), 'x');
  RunKind(state, "sha256", {absl::string_view(text)});
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(64)->Arg(4 << 10)->Arg(1 << 20);

void BM_Pi(benchmark::State& state) {
  RunKind(state, "pi", {Arg(state), uint64_t{1}});
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Pi)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_Mandelbrot(benchmark::State& state) {
  // A 256 x 256 tile across the boundary near c = -0.75.
  RunKind(state, "mandelbrot",
          {uint64_t{8}, uint64_t{7}, uint64_t{256}, Arg(state)});
}
BENCHMARK(BM_Mandelbrot)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_Matmul(benchmark::State& state) {
  RunKind(state, "matmul", {Arg(state), uint64_t{1}});
  state.counters["flops"] =
      benchmark::Counter(2.0 * std::pow(static_cast<double>(state.range(0)), 3),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Matmul)->Arg(64)->Arg(256)->Arg(512)->Unit(
    benchmark::kMillisecond);

// Process start-up dominates: fork, exec, pipes, wait.
void BM_Exec(benchmark::State& state) {
  RunKind(state, "exec", {absl::string_view("true")});
}
BENCHMARK(BM_Exec)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace taskfarm::tasks
