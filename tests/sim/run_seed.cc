#include "tests/sim/run_seed.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace taskfarm::sim {
namespace {

// The master's last lines and the trace of a failed run, run again traced.
std::string Traced(const Scenario& scenario, const RunResult& failed,
                   size_t trace_lines) {
  std::string out;
  RunResult traced = RunScenario(scenario, /*trace=*/true);
  if (traced.failure != failed.failure) {
    absl::StrAppend(&out, "  (traced run failed differently: ", traced.failure, ")\n");
  }
  absl::StrAppend(&out, "  the master's last lines:\n");
  for (const std::string& line : traced.says) absl::StrAppend(&out, "    ", line, "\n");
  const size_t from =
      traced.trace.size() > trace_lines ? traced.trace.size() - trace_lines : 0;
  absl::StrAppend(&out, "  the last ", traced.trace.size() - from, " events:\n");
  for (size_t i = from; i < traced.trace.size(); ++i) {
    absl::StrAppend(&out, "    ", traced.trace[i], "\n");
  }
  return out;
}

}  // namespace

RunResult RunScenario(const Scenario& scenario, bool trace) {
  World world(scenario, trace);
  return world.Run();
}

RunResult RunSeed(uint64_t seed, bool trace) {
  return RunScenario(MakeScenario(seed), trace);
}

std::string Report(uint64_t seed, const RunResult& failed, size_t trace_lines) {
  const Scenario scenario = MakeScenario(seed);
  return absl::StrCat(
      "simulator: seed ", seed, " FAILED: ", failed.failure, "\n",
      "  replay: ./tools/bazel run //tests/sim:replay -- --seed=", seed, "\n  ",
      scenario.Describe(), "\n", Traced(scenario, failed, trace_lines));
}

std::string Report(const Scenario& scenario, const RunResult& failed,
                   size_t trace_lines) {
  return absl::StrCat("simulator: FAILED: ", failed.failure, "\n  ",
                      scenario.Describe(), "\n",
                      Traced(scenario, failed, trace_lines));
}

}  // namespace taskfarm::sim
