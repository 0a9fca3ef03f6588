// File: bench/sim/swarm_run.h
//
// One measurement of //bench:swarm: the real master against `workers`
// simulated remote workers (see bench/swarm_main.cc for what is measured
// and how). RunSwarm makes the keys, starts the master, starts the swarm
// processes (the calling binary again, with --role=swarm and the flags
// SwarmProcessArgs names), waits for every worker to be welcomed, measures
// for window_s, and stops everything with SIGINT.
//
// Example:
//   SwarmRunOptions o{.master_bin = "bazel-bin/master/master", .workers = 100,
//                     .dir = "/tmp/swarm/n100"};
//   SwarmRow row = RunSwarm(o);
//
// Thread-compatible (it forks).

#ifndef TASKFARM_BENCH_SIM_SWARM_RUN_H_
#define TASKFARM_BENCH_SIM_SWARM_RUN_H_

#include <sys/resource.h>

#include <cstdint>
#include <string>
#include <vector>

namespace taskfarm::bench {

struct SwarmRunOptions {
  std::string master_bin;
  int workers = 1;
  int task_us = 0;          // each task's time; 0: workers / rate
  double rate = 20000;      // tasks/s offered in all, with task_us == 0
  double window_s = 5;
  int procs = 0;            // swarm processes; 0: one per 250 workers
  double join_rate = 1000;  // workers joining a second, in all
  std::vector<std::string> master_args;
  int master_nofile = 0;    // the master's soft RLIMIT_NOFILE; 0: hard limit
  std::string window_cmd;   // run while measuring, {pid} = the master's
  std::string dir;          // keys, logs; emptied first
};

struct SwarmRow {
  int workers = 0;
  int task_us = 0;
  double offered = 0;     // tasks/s the workers could take
  uint64_t joined = 0;    // welcomed
  double join_s = 0;      // until all were welcomed
  double routed = 0;      // tasks/s through the master, in the window
  double cpu_share = 0;   // the master's CPU in the window, per wall second
  double cpu_us_per_task = 0;
  double rss_mb = 0;
  double hwm_mb = 0;
  double p50_ms = 0, p99_ms = 0;
  uint64_t lost = 0;      // "lost remote worker" before the stop
  uint64_t rejoins = 0;   // workers told to rejoin (the same losses)
  int exit_code = -1;     // the master's; 130 (SIGINT) when all went well
  std::string note;       // what went wrong, for people
};

// Runs one measurement; failures are described in the row's note.
SwarmRow RunSwarm(const SwarmRunOptions& options);

// Sets the soft RLIMIT_NOFILE to `soft`, or to the hard limit if 0 (or if
// `soft` is above it).
void RaiseFileLimit(rlim_t soft);
// The soft RLIMIT_NOFILE now.
rlim_t FileLimit();

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SIM_SWARM_RUN_H_
