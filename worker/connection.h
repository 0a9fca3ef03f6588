// File: worker/connection.h
//
// How a worker joins its master. Over ipc (a local master started it) there
// is nothing to set. Over tcp the worker is remote: it reconnects when the
// master goes silent (worker.h), and it needs keys, because tcp is never
// open without authentication: the master's public key and a worker secret
// key the master's allow-list admits, from
//   --master-key=FILE, --key=FILE    key files (proto/curve.h)
//   --keys=DIR                       DIR/master.public, DIR/worker.secret
//   TASKFARM_MASTER_KEY, TASKFARM_WORKER_SECRET
//                                    Z85 keys in the environment, as
//                                    `master --launcher=slurm` passes them
// in that order; or --insecure, for plain tcp on a network you trust.
//
// Example:
//   ConnectionFlags flags{.endpoint = "tcp://head:5555", .keys_dir = "keys"};
//   WorkerOptions options{.endpoint = flags.endpoint};
//   absl::Status s = ConfigureConnection(flags, &options);
//
// Thread-compatible.

#ifndef TASKFARM_WORKER_CONNECTION_H_
#define TASKFARM_WORKER_CONNECTION_H_

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "worker/worker.h"

namespace taskfarm::worker {

inline constexpr char kMasterKeyEnv[] = "TASKFARM_MASTER_KEY";
inline constexpr char kWorkerSecretEnv[] = "TASKFARM_WORKER_SECRET";

struct ConnectionFlags {
  std::string endpoint;
  std::string keys_dir;
  std::string master_key_file;
  std::string key_file;
  bool insecure = false;
  std::chrono::milliseconds master_timeout{60000};
};

// Whether `endpoint` is tcp://.
bool IsTcp(absl::string_view endpoint);

// Sets `options` up for `flags.endpoint`. Returns kInvalidArgument, with a
// message for people, for tcp without keys or --insecure, or a key that
// cannot be read (kNotFound, kPermissionDenied as proto::ReadKeyFile).
absl::Status ConfigureConnection(const ConnectionFlags& flags,
                                 WorkerOptions* options);

// Checks the worker's own settings against their range: `procs` is --procs
// as given (-1: not given). Returns kInvalidArgument "--FLAG=VALUE: what it
// accepts" for --procs below -1 or a --master-timeout that is not > 0.
absl::Status CheckWorkerFlags(const ConnectionFlags& flags, int procs);

// The command line of one of the `--procs` children: this executable with
// the same connection flags and --procs=0. Keys in the environment reach
// the children by inheritance.
std::vector<std::string> ChildArgv(const ConnectionFlags& flags);

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_CONNECTION_H_
