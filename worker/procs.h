// File: worker/procs.h
//
// `worker --procs=K`: K worker processes on this host under one local
// supervisor, the same supervise::Supervisor the master runs its workers
// with, so that one command per host (or one Slurm task per node) is enough.
// A child that crashes is restarted with the Supervisor's backoff (at once
// if it reported its death to the master: exit 70, 71, 72); a child that has
// finished is not: exit 0 (the master said shut down), 2 (usage), 75 (the
// master is gone for good), 77 (the master refused our key). SIGINT,
// SIGTERM and SIGQUIT (Slurm's scancel) stop every child: SIGTERM, then
// SIGKILL after a grace. The children die with this process.
//
// Example:
//   return RunProcs(ChildArgv(flags), DefaultProcs());
//
// Use from the main thread, before any other thread starts.

#ifndef TASKFARM_WORKER_PROCS_H_
#define TASKFARM_WORKER_PROCS_H_

#include <string>
#include <vector>

#include "proto/contract.h"

namespace taskfarm::worker {

// Exit code of `worker --procs` when its children keep crashing.
inline constexpr int kExitCrashLoop = proto::worker_exit::kCrashLoop;

// Runs `procs` children of `argv` until each has finished. Returns 0 if all
// finished with 0, else the most telling of their codes (77, 2, 75), 128+N
// when stopped by signal N, or kExitCrashLoop.
int RunProcs(const std::vector<std::string>& argv, int procs);

// The CPUs this process may use: SLURM_CPUS_PER_TASK when Slurm set it, else
// the affinity mask's CPU count (at least 1).
int DefaultProcs();

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_PROCS_H_
