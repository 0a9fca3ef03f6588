// Replays one seed of the simulator with a trace of every event:
//
//   ./tools/bazel run //tests/sim:replay -- --seed=N [--trace_lines=400]
//   ./tools/bazel run //tests/sim:replay -- --seed=1 --survey=10000
//
// Prints the scenario, the outcome and, if an invariant broke, what and the
// trace. Exit code 0 if every invariant held, 1 if not, 2 on bad usage.

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "tests/sim/run_seed.h"

ABSL_FLAG(uint64_t, seed, 0, "the seed to replay (from a failure's report)");
ABSL_FLAG(size_t, trace_lines, 400, "how many of the last events to print");
ABSL_FLAG(uint64_t, survey, 0,
          "instead: run this many seeds from --seed on, one line per failure");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  if (seed == 0) {
    std::fprintf(stderr, "usage: replay --seed=N [--trace_lines=400]\n");
    return 2;
  }
  using taskfarm::sim::RunResult;
  if (const uint64_t survey = absl::GetFlag(FLAGS_survey); survey > 0) {
    uint64_t failed = 0, events = 0, faults = 0;
    for (uint64_t s = seed; s < seed + survey; ++s) {
      RunResult r = taskfarm::sim::RunSeed(s);
      events += r.figures.events;
      faults += r.figures.faults;
      if (r.ok) continue;
      ++failed;
      std::printf("seed %lu: %s\n", static_cast<unsigned long>(s), r.failure.c_str());
    }
    std::printf("%lu of %lu seeds failed; %lu events, %lu faults\n",
                static_cast<unsigned long>(failed), static_cast<unsigned long>(survey),
                static_cast<unsigned long>(events), static_cast<unsigned long>(faults));
    return failed == 0 ? 0 : 1;
  }
  std::printf("%s\n", taskfarm::sim::MakeScenario(seed).Describe().c_str());
  RunResult r = taskfarm::sim::RunSeed(seed);
  std::printf("exit code %d; %lu events, %lu faults, %lu tasks run, %.3f simulated s\n",
              r.exit_code, static_cast<unsigned long>(r.figures.events),
              static_cast<unsigned long>(r.figures.faults),
              static_cast<unsigned long>(r.figures.tasks_run),
              static_cast<double>(r.figures.sim_ms) / 1000);
  if (r.ok) {
    std::printf("every invariant held\n");
    return 0;
  }
  std::printf("%s", taskfarm::sim::Report(seed, r, absl::GetFlag(FLAGS_trace_lines)).c_str());
  return 1;
}
