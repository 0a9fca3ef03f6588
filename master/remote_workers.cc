#include "master/remote_workers.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/find_program.h"
#include "base/host_name.h"
#include "master/process_limits.h"
#include "master/slurm_launcher.h"
#include "proto/curve.h"

namespace taskfarm::master {
namespace {

constexpr char kZapDomain[] = "taskfarm";
constexpr std::chrono::milliseconds kMinReapAfter{10000};
constexpr std::chrono::milliseconds kMaxReconnect{1000};
// ZMQ_ZERO_COPY_RECV, a context option libzmq 4.3 accepts though its
// header declares it only for draft builds.
constexpr int kZeroCopyRecv = 10;

void Log(const std::string& line) {
  std::fprintf(stderr, "taskfarm: %s\n", line.c_str());
}

// "tcp://HOST:PORT" -> HOST, PORT.
std::pair<std::string, std::string> SplitEndpoint(const std::string& endpoint) {
  std::string rest = endpoint.substr(endpoint.find("//") + 2);
  size_t colon = rest.rfind(':');
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

// The address workers dial: --advertise, else the bound address, else (for a
// wildcard) this host's name.
std::string Advertised(const RemoteOptions& o, const std::string& bound) {
  auto [host, port] = SplitEndpoint(bound);
  if (!o.advertise.empty()) {
    host = o.advertise;
  } else if (host == "0.0.0.0" || host == "*" || host == "[::]" || host == "::") {
    host = base::HostName().value_or("localhost");
  }
  return absl::StrCat("tcp://", host, ":", port);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RemoteWorkers>> RemoteWorkers::Open(
    zmq::context_t& context, const FarmOptions& options) {
  std::unique_ptr<RemoteWorkers> r(new RemoteWorkers(options));
  const RemoteOptions& o = options.remote;
  // Messages received from now on are copied out of libzmq's read buffer
  // (sockets take the setting when made). Zero-copy messages would pin a
  // whole 8 KiB buffer of their connection each for as long as the master
  // holds them (a result until the logger acknowledges it): tens of
  // kilobytes a remote worker.
  zmq_ctx_set(context.handle(), kZeroCopyRecv, 0);
  absl::StatusOr<std::unique_ptr<proto::Transport>> port =
      proto::Transport::Open(context, zmq::socket_type::router);
  if (!port.ok()) return port.status();
  r->port_ = *std::move(port);
  zmq::socket_t& socket = r->port_->socket();
  socket.set(zmq::sockopt::router_mandatory, true);
  socket.set(zmq::sockopt::sndhwm, 0);
  socket.set(zmq::sockopt::rcvhwm, 0);
  // A worker's socket that reconnects (its link was ended under it) takes
  // its routing id back from the connection the master still holds.
  socket.set(zmq::sockopt::router_handover, true);
  // The Shutdown to the last remote workers must leave before we exit.
  socket.set(zmq::sockopt::linger, 1000);
  // A vanished worker's connection is ended by the kernel (see
  // proto::ApplyTcpLiveness), well after our own heartbeats declared it
  // lost.
  const auto silence = std::chrono::duration_cast<std::chrono::milliseconds>(
      options.heartbeat * options.liveness);
  if (absl::Status s = proto::ApplyTcpLiveness(
          socket, std::max(kMinReapAfter, 2 * silence), kMaxReconnect);
      !s.ok()) {
    return s;
  }
  if (!o.insecure) {
    if (absl::Status s = r->Secure(context); !s.ok()) return s;
  }
  // libzmq spells "any free port" as *.
  std::string bind = o.listen;
  if (bind.size() > 2 && bind.substr(bind.size() - 2) == ":0") {
    bind = bind.substr(0, bind.size() - 1) + "*";
  }
  if (absl::Status s = r->port_->Bind(bind); !s.ok()) return s;
  r->endpoint_ = Advertised(o, r->port_->LastEndpoint());
  if (o.insecure) {
    Log(absl::StrCat(
        "WARNING: --insecure: remote workers join ", r->port_->LastEndpoint(),
        " over plain tcp, WITHOUT authentication or encryption: anyone who "
        "can reach it can take tasks and send back results"));
  }
  const int64_t room = RemoteWorkerRoom(options.workers);
  Log(absl::StrCat("remote workers join at ", r->endpoint_,
                   o.insecure ? " (insecure)" : " (CURVE)",
                   room < 0 ? std::string()
                            : absl::StrCat("; the open-files limit (ulimit -n) "
                                           "leaves room for about ", room,
                                           " of them")));
  if (o.launcher == "slurm") {
    if (absl::Status s = r->Launch(); !s.ok()) return s;
  }
  return r;
}

absl::Status RemoteWorkers::Secure(zmq::context_t& context) {
  const RemoteOptions& o = options_.remote;
  std::string secret;
  proto::AllowList allow;
  if (!o.keys_dir.empty()) {
    absl::StatusOr<std::string> key =
        proto::ReadKeyFile(absl::StrCat(o.keys_dir, "/master.secret"), true);
    if (!key.ok()) return key.status();
    secret = *key;
    absl::StatusOr<proto::AllowList> list = proto::AllowList::Load(
        o.allow.empty() ? absl::StrCat(o.keys_dir, "/authorized_workers") : o.allow);
    if (!list.ok()) return list.status();
    allow = *std::move(list);
  } else {
    // Keys for this run only, handed to the workers by the launcher.
    absl::StatusOr<proto::CurveKeyPair> master = proto::NewCurveKeyPair();
    if (!master.ok()) return master.status();
    absl::StatusOr<proto::CurveKeyPair> worker = proto::NewCurveKeyPair();
    if (!worker.ok()) return worker.status();
    secret = master->secret_key;
    master_public_ = master->public_key;
    launch_keys_ = *worker;
    allow.Add(worker->public_key, "launched");
    allow.set_source("the keys made for this run");
  }
  if (allow.size() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        allow.source(), ": no worker public key in it: no worker could join"));
  }
  absl::StatusOr<std::unique_ptr<proto::ZapServer>> zap =
      proto::ZapServer::Start(context, std::move(allow), &port_->socket(), Log);
  if (!zap.ok()) return zap.status();
  zap_ = *std::move(zap);
  return proto::ApplyCurveServer(port_->socket(), secret, kZapDomain);
}

absl::Status RemoteWorkers::Launch() {
  const RemoteOptions& o = options_.remote;
  absl::StatusOr<std::string> srun = base::FindProgram("srun");
  if (!srun.ok()) {
    return absl::UnavailableError(
        "--launcher=slurm: srun is not on PATH (install Slurm's client, or "
        "run the master where Slurm is)");
  }
  LaunchKeys keys{o.keys_dir, master_public_,
                  launch_keys_ ? launch_keys_->secret_key : ""};
  SrunCommand command = SrunWorkers(o, options_.worker_bin, endpoint_, keys);
  Log(absl::StrCat("starting workers on ", o.nodes, " node(s): ",
                   absl::StrJoin(command.argv, " ")));
  command.argv[0] = *srun;
  supervise::SpawnOptions spawn;
  // srun ends the job step on SIGTERM; SIGKILL would leave it behind.
  spawn.parent_death_signal = SIGTERM;
  spawn.env = command.env;
  spawn.stop_grace = std::chrono::seconds(10);
  absl::StatusOr<supervise::ChildProcess> child =
      supervise::ChildProcess::Spawn(command.argv, spawn);
  if (!child.ok()) return absl::UnavailableError(child.status().message());
  launcher_.emplace(*std::move(child));
  return absl::OkStatus();
}

RemoteWorkers::~RemoteWorkers() {
  if (launcher_ && launcher_->running()) {
    const auto grace =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.grace);
    if (!launcher_->WaitFor(grace)) {
      Log(absl::StrCat("srun (pid ", launcher_->pid(),
                       ") still runs after the batch: stopping it"));
      (void)launcher_->Stop();
    }
  }
  zap_.reset();
}

std::optional<supervise::ExitStatus> RemoteWorkers::LauncherExited() {
  if (!launcher_ || !launcher_->running()) return std::nullopt;
  return launcher_->TryReap();
}

}  // namespace taskfarm::master
