// File: master/remote_options.h
//
// RemoteOptions: the settings of remote workers, which join the master over
// tcp (master/remote_workers.h), and of the launcher that starts them
// (--launcher=slurm). Part of FarmOptions; built from flags by
// master/remote_flags.cc.
//
// Plain data.

#ifndef TASKFARM_MASTER_REMOTE_OPTIONS_H_
#define TASKFARM_MASTER_REMOTE_OPTIONS_H_

#include <chrono>
#include <string>
#include <vector>

#include "base/clock.h"

namespace taskfarm::master {

struct RemoteOptions {
  std::string listen;     // tcp://ADDR:PORT; "" = no remote workers
  std::string advertise;  // host workers dial; "" = the listen address, or
                          // this host's name when that is a wildcard
  std::string keys_dir;   // master.secret, authorized_workers
  std::string allow;      // allow-list file or dir; "" = in keys_dir
  bool insecure = false;  // plain tcp: no authentication, no encryption

  // --launcher=slurm: `srun` starts one `worker --procs` per node.
  std::string launcher;   // "" or "slurm"
  int nodes = 1;
  int procs_per_node = 0;               // 0 = each worker's own default
  std::vector<std::string> srun_args;   // added to srun's command line
  base::Duration worker_master_timeout = std::chrono::seconds(60);

  bool enabled() const { return !listen.empty(); }
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_REMOTE_OPTIONS_H_
