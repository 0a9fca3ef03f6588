// File: tests/sim/run_seed.h
//
// RunSeed runs the simulator (tests/sim/world.h) on one seed's scenario,
// and Report says what went wrong in a form a person can act on: the one
// command that replays the seed, the scenario, the invariant broken, the
// master's last lines and a trace of the last events (the seed is run a
// second time, with tracing, to get it).
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_SIM_RUN_SEED_H_
#define TASKFARM_TESTS_SIM_RUN_SEED_H_

#include <cstdint>
#include <string>

#include "tests/sim/world.h"

namespace taskfarm::sim {

RunResult RunSeed(uint64_t seed, bool trace = false);
// The same for a scenario made by hand (tests/sim/cases_test.cc).
RunResult RunScenario(const Scenario& scenario, bool trace = false);

// For a failed seed: the replay command, the scenario, the failure, the
// master's last lines and up to `trace_lines` of its trace.
std::string Report(uint64_t seed, const RunResult& failed, size_t trace_lines);
// For a failed scenario made by hand: the same, without a seed to replay.
std::string Report(const Scenario& scenario, const RunResult& failed,
                   size_t trace_lines);

}  // namespace taskfarm::sim

#endif  // TASKFARM_TESTS_SIM_RUN_SEED_H_
