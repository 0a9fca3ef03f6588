#include "worker/connection.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/curve.h"

namespace taskfarm::worker {
namespace {

// The link (proto::ApplyTcpLiveness): the kernel ends a connection to a
// master that vanished after 10 s (the heartbeat thread notices its
// silence first, and joins again on new sockets); reconnects back off up
// to 1 s.
constexpr std::chrono::milliseconds kReapAfter{10000};
constexpr std::chrono::milliseconds kMaxReconnect{1000};

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// A key from a file if named, else from DIR/file, else from the environment.
absl::StatusOr<std::string> FindKey(const std::string& file,
                                    const std::string& dir,
                                    const char* name_in_dir, const char* env,
                                    bool secret) {
  if (!file.empty()) return proto::ReadKeyFile(file, secret);
  if (!dir.empty()) return proto::ReadKeyFile(absl::StrCat(dir, "/", name_in_dir), secret);
  std::string value = Env(env);
  if (value.empty()) return absl::NotFoundError("");
  if (!proto::IsCurveKey(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(env, " is not a CURVE key (40 Z85 characters)"));
  }
  return value;
}

}  // namespace

bool IsTcp(absl::string_view endpoint) {
  return absl::StartsWith(endpoint, "tcp://");
}

absl::Status ConfigureConnection(const ConnectionFlags& flags,
                                 WorkerOptions* options) {
  options->endpoint = flags.endpoint;
  if (!IsTcp(flags.endpoint)) return absl::OkStatus();
  options->reconnect = true;
  options->master_timeout = flags.master_timeout;
  if (flags.insecure) {
    std::fprintf(stderr,
                 "worker: WARNING: --insecure: tasks and results cross the "
                 "network unencrypted, and anyone who can reach %s can "
                 "pose as the master\n",
                 flags.endpoint.c_str());
    options->configure = [](zmq::socket_t& socket) {
      return proto::ApplyTcpLiveness(socket, kReapAfter, kMaxReconnect);
    };
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> master = FindKey(
      flags.master_key_file, flags.keys_dir, "master.public", kMasterKeyEnv, false);
  absl::StatusOr<std::string> secret = FindKey(
      flags.key_file, flags.keys_dir, "worker.secret", kWorkerSecretEnv, true);
  for (const absl::StatusOr<std::string>* key : {&master, &secret}) {
    if (key->ok()) continue;
    if (absl::IsNotFound(key->status()) && key->status().message().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          flags.endpoint, " needs CURVE keys: --keys=DIR (made by `master "
          "--keygen=DIR`), or --master-key=FILE and --key=FILE; or --insecure "
          "for plain tcp on a network you trust"));
    }
    return key->status();
  }
  absl::StatusOr<std::string> pub = proto::CurvePublicKey(*secret);
  if (!pub.ok()) return pub.status();
  proto::CurveKeyPair own{*pub, *secret};
  options->watch_handshake = true;
  options->configure = [server = *master, own](zmq::socket_t& socket) {
    absl::Status s = proto::ApplyCurveClient(socket, server, own);
    if (!s.ok()) return s;
    return proto::ApplyTcpLiveness(socket, kReapAfter, kMaxReconnect);
  };
  return absl::OkStatus();
}

absl::Status CheckWorkerFlags(const ConnectionFlags& flags, int procs) {
  if (procs < -1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--procs=", procs,
        ": must be >= 0 (0: one worker in this process; not given: one per CPU)"));
  }
  if (flags.master_timeout.count() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--master-timeout=", absl::FormatDuration(absl::FromChrono(flags.master_timeout)),
        ": must be > 0 (how long a silent master is waited for)"));
  }
  return absl::OkStatus();
}

std::vector<std::string> ChildArgv(const ConnectionFlags& flags) {
  char self[4096] = {};
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  std::vector<std::string> argv = {
      n > 0 ? std::string(self, static_cast<size_t>(n)) : "/proc/self/exe",
      absl::StrCat("--connect=", flags.endpoint), "--procs=0",
      absl::StrCat("--master_timeout=", flags.master_timeout.count(), "ms")};
  if (!flags.keys_dir.empty()) argv.push_back(absl::StrCat("--keys=", flags.keys_dir));
  if (!flags.master_key_file.empty()) {
    argv.push_back(absl::StrCat("--master_key=", flags.master_key_file));
  }
  if (!flags.key_file.empty()) argv.push_back(absl::StrCat("--key=", flags.key_file));
  if (flags.insecure) argv.push_back("--insecure");
  return argv;
}

}  // namespace taskfarm::worker
