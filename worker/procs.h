// File: worker/procs.h
//
// `worker --procs=K`: K worker processes on this host under one local
// supervisor, the same supervise::Supervisor the master runs its workers
// with, so that one command per host (or one Slurm task per node) is enough.
// What happens when a child exits is JudgeExit's verdict:
//   - it finished (exit 0: the master said shut down; 2: usage; 75: the
//     master is gone for good; 77: the master refused our key): it stays
//     down, and when all have, `worker --procs` exits;
//   - the master recycled it (--max-tasks-per-worker, exit 79): a new one
//     starts at once, as a local master would start one;
//   - it died while running a task (it said so, exit 70, 71, 72, or its page
//     says a task was running, slot_pages.h): that task's strike, which the
//     master counts; a new one starts at once, and it is no crash loop;
//   - it died otherwise (at start-up, idle, could not be started): it is
//     restarted with the Supervisor's backoff, and kCrashLoopDeaths such
//     deaths within kCrashLoopWindow, with no child beginning a task in
//     between, are a crash loop: everything stops, exit 3.
// SIGINT, SIGTERM and SIGQUIT (Slurm's scancel) stop every child: SIGTERM,
// then SIGKILL after a grace. The children die with this process.
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
#include "supervise/exit_status.h"

namespace taskfarm::worker {

// Exit code of `worker --procs` when its children keep crashing.
inline constexpr int kExitCrashLoop = proto::worker_exit::kCrashLoop;

enum class ExitVerdict {
  kFinished,  // not restarted
  kRecycled,  // replaced at once
  kTaskDied,  // replaced at once; the master strikes the task
  kCrashed,   // restarted with backoff; counts toward a crash loop
};

// The verdict on a child that exited with `status` (or could not be
// started: `spawn_failed`), its page saying whether it was `running_task`.
ExitVerdict JudgeExit(const supervise::ExitStatus& status, bool spawn_failed,
                      bool running_task);

// Runs `procs` children of `argv` until each has finished. Returns 0 if all
// finished with 0, else the most telling of their codes (77, 2, 75), 128+N
// when stopped by signal N, or kExitCrashLoop.
int RunProcs(const std::vector<std::string>& argv, int procs);

// The CPUs this process may use: SLURM_CPUS_PER_TASK when Slurm set it, else
// the affinity mask's CPU count (at least 1).
int DefaultProcs();

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_PROCS_H_
