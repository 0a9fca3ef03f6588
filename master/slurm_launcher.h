// File: master/slurm_launcher.h
//
// `master --launcher=slurm`: the master starts its remote workers with one
// `srun`, one task per node, each task a `worker --procs` that runs a worker
// process per CPU and joins the master over tcp. Inside an sbatch or salloc
// allocation srun uses it; outside, srun asks Slurm for one. Either way the
// job step ends when the workers leave: after the batch (they are told to
// shut down), or when the master is gone for --worker-master-timeout.
//
// Keys reach the workers as files on a shared file system (--keys=DIR), or,
// without --keys, as fresh keys made for this run and passed in srun's
// environment (TASKFARM_MASTER_KEY, TASKFARM_WORKER_SECRET; srun exports the
// environment by default, and only the user and root can read it).
//
// Example:
//   SrunCommand c = SrunWorkers(options.remote, worker_bin,
//                               "tcp://head:5555", keys);
//   ChildProcess::Spawn(c.argv, SpawnOptions{.env = c.env});
//
// Pure functions: thread-safe.

#ifndef TASKFARM_MASTER_SLURM_LAUNCHER_H_
#define TASKFARM_MASTER_SLURM_LAUNCHER_H_

#include <string>
#include <vector>

#include "master/remote_options.h"

namespace taskfarm::master {

// The keys launched workers use: a key directory, or keys in the
// environment; neither with --insecure.
struct LaunchKeys {
  std::string keys_dir;
  std::string master_public;  // Z85, when not in keys_dir
  std::string worker_secret;  // Z85, when not in keys_dir
};

struct SrunCommand {
  std::vector<std::string> argv;  // argv[0] is "srun" (found on PATH)
  std::vector<std::string> env;   // "NAME=value" added to srun's environment
};

// The srun command that starts the workers of `remote` (nodes,
// procs_per_node, srun_args, insecure), running `worker_bin` and dialing
// `endpoint`.
SrunCommand SrunWorkers(const RemoteOptions& remote,
                        const std::string& worker_bin,
                        const std::string& endpoint, const LaunchKeys& keys);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_SLURM_LAUNCHER_H_
