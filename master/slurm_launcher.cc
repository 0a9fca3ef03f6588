#include "master/slurm_launcher.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {

SrunCommand SrunWorkers(const RemoteOptions& remote,
                        const std::string& worker_bin,
                        const std::string& endpoint, const LaunchKeys& keys) {
  SrunCommand c;
  c.argv = {"srun",
            absl::StrCat("--nodes=", remote.nodes),
            "--ntasks-per-node=1",
            // The master may read its tasks from standard input.
            "--input=none",
            // One node's workers failing must not end the others'.
            "--kill-on-bad-exit=0",
            "--job-name=taskfarm-workers"};
  c.argv.insert(c.argv.end(), remote.srun_args.begin(), remote.srun_args.end());
  c.argv.push_back(worker_bin);
  c.argv.push_back(absl::StrCat("--connect=", endpoint));
  c.argv.push_back(absl::StrCat(
      "--master_timeout=",
      std::chrono::duration_cast<std::chrono::milliseconds>(
          remote.worker_master_timeout).count(),
      "ms"));
  if (remote.procs_per_node > 0) {
    c.argv.push_back(absl::StrCat("--procs=", remote.procs_per_node));
  }
  if (remote.insecure) {
    c.argv.push_back("--insecure");
  } else if (!keys.keys_dir.empty()) {
    c.argv.push_back(absl::StrCat("--keys=", keys.keys_dir));
  } else {
    c.env.push_back(absl::StrCat("TASKFARM_MASTER_KEY=", keys.master_public));
    c.env.push_back(absl::StrCat("TASKFARM_WORKER_SECRET=", keys.worker_secret));
  }
  return c;
}

}  // namespace taskfarm::master
