// File: master/remote_workers.h
//
// RemoteWorkers is what the master needs beyond its own machine: the tcp
// port remote workers join through, its security, and the launcher that
// starts them. Session adds the port to its task sockets, where a remote
// worker is served like a local one (credit, heartbeats, strikes) except
// that nobody can respawn it: when it goes silent its tasks go back to the
// queue and the batch goes on with the workers left (MasterCore decides
// that, and RemoteBook remembers who joined and who was lost).
//
// Security: tcp is never open without authentication. The port is a CURVE
// server (the master's secret key); a ZAP handler (proto/zap_server.h)
// admits only worker public keys in the allow-list and logs refusals and
// failed handshakes. --insecure opens plain tcp, and says so loudly.
// With --launcher=slurm it starts the workers with srun
// (master/slurm_launcher.h), waits for srun at the end, and stops it if it
// lingers.
//
// Example (Session):
//   absl::StatusOr<std::unique_ptr<RemoteWorkers>> r =
//       RemoteWorkers::Open(*context_, options_);
//   ports_.push_back((*r)->TakePort());
//
// Use from the master's thread (the ZAP handler has its own).

#ifndef TASKFARM_MASTER_REMOTE_WORKERS_H_
#define TASKFARM_MASTER_REMOTE_WORKERS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "master/options.h"
#include "proto/transport.h"
#include "proto/zap_server.h"
#include "supervise/child_process.h"
#include "supervise/exit_status.h"

namespace taskfarm::master {

class RemoteWorkers {
 public:
  // Loads the keys and the allow-list, starts the ZAP handler, binds
  // options.remote.listen and, with a launcher, starts the workers. Returns
  // kNotFound, kInvalidArgument or kPermissionDenied for keys (with the
  // file), kUnavailable if the address cannot be bound or srun not run.
  static absl::StatusOr<std::unique_ptr<RemoteWorkers>> Open(
      zmq::context_t& context, const FarmOptions& options);
  RemoteWorkers(const RemoteWorkers&) = delete;
  RemoteWorkers& operator=(const RemoteWorkers&) = delete;
  // Gives the launcher --grace to end by itself (its workers were told to
  // shut down), then stops it; stops the ZAP handler.
  ~RemoteWorkers();

  // The bound tcp ROUTER, for the Session's task sockets (once).
  std::unique_ptr<proto::Transport> TakePort() { return std::move(port_); }
  // The address workers dial: tcp://HOST:PORT.
  const std::string& endpoint() const { return endpoint_; }

  // On SIGCHLD: how the launcher (srun) ended, once, if it has.
  std::optional<supervise::ExitStatus> LauncherExited();

 private:
  RemoteWorkers(const FarmOptions& options) : options_(options) {}
  absl::Status Secure(zmq::context_t& context);
  absl::Status Launch();

  const FarmOptions& options_;
  std::unique_ptr<proto::Transport> port_;
  std::unique_ptr<proto::ZapServer> zap_;
  std::optional<proto::CurveKeyPair> launch_keys_;  // made for srun's workers
  std::string master_public_;
  std::string endpoint_;
  std::optional<supervise::ChildProcess> launcher_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_REMOTE_WORKERS_H_
