// The simulator's seeds: kBlocks x kSeedsPerBlock whole batches, each a
// seeded scenario (tests/sim/scenario.h) run against the real MasterCore
// with simulated workers, logger, network, clock and faults, every
// invariant checked (tests/sim/world.h). A failing seed prints the command
// that replays it and a trace. Bazel shards the blocks (BUILD:
// shard_count); each block prints its figures.

#include <chrono>
#include <cstdio>

#include "gtest/gtest.h"
#include "tests/sim/run_seed.h"

namespace taskfarm::sim {
namespace {

constexpr int kBlocks = 40;
constexpr uint64_t kSeedsPerBlock = 500;  // 20,000 seeds in all
constexpr int kFailuresShown = 3;

class Simulator : public testing::TestWithParam<int> {};

TEST_P(Simulator, EverySeedKeepsEveryInvariant) {
  const uint64_t first = static_cast<uint64_t>(GetParam()) * kSeedsPerBlock + 1;
  const auto start = std::chrono::steady_clock::now();
  Figures total;
  int failures = 0;
  for (uint64_t seed = first; seed < first + kSeedsPerBlock; ++seed) {
    RunResult r = RunSeed(seed);
    total.events += r.figures.events;
    total.faults += r.figures.faults;
    total.sim_ms += r.figures.sim_ms;
    total.tasks_run += r.figures.tasks_run;
    if (r.ok) continue;
    if (++failures <= kFailuresShown) {
      ADD_FAILURE() << Report(seed, r, 120);
    } else {
      ADD_FAILURE() << "simulator: seed " << seed << " FAILED: " << r.failure
                    << " (replay: ./tools/bazel run //tests/sim:replay -- --seed="
                    << seed << ")";
    }
  }
  const double wall = std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - start).count();
  std::printf("simulator: seeds %lu..%lu: %d failed; %lu events, %lu faults, "
              "%lu tasks run, %.0f simulated s, %.2f s wall\n",
              static_cast<unsigned long>(first),
              static_cast<unsigned long>(first + kSeedsPerBlock - 1), failures,
              static_cast<unsigned long>(total.events),
              static_cast<unsigned long>(total.faults),
              static_cast<unsigned long>(total.tasks_run),
              static_cast<double>(total.sim_ms) / 1000, wall);
}

INSTANTIATE_TEST_SUITE_P(Seeds, Simulator, testing::Range(0, kBlocks));

}  // namespace
}  // namespace taskfarm::sim
