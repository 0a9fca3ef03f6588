#include "master/remote_flags.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "proto/curve.h"

ABSL_FLAG(std::string, listen, "",
          "accept remote workers on tcp://ADDR:PORT");
ABSL_FLAG(std::string, advertise, "", "host name remote workers dial");
ABSL_FLAG(std::string, keys, "", "CURVE key directory (see --keygen)");
ABSL_FLAG(std::string, allow, "", "allow-list of worker public keys");
ABSL_FLAG(bool, insecure, false, "plain tcp: no authentication");
ABSL_FLAG(std::string, keygen, "", "write CURVE keys to DIR and exit");
ABSL_FLAG(std::string, launcher, "", "start remote workers: slurm");
ABSL_FLAG(int, nodes, 1, "nodes for --launcher=slurm");
ABSL_FLAG(int, procs_per_node, 0, "worker processes per node");
ABSL_FLAG(std::string, srun_args, "", "more srun arguments");
ABSL_FLAG(absl::Duration, worker_master_timeout, absl::Seconds(60),
          "how long launched workers wait for a silent master");
ABSL_FLAG(absl::Duration, startup_timeout, absl::ZeroDuration(),
          "how long to wait for the first worker");

namespace taskfarm::master {
namespace {

// Checks "tcp://HOST:PORT" (PORT a number up to 65535, 0 or * for any).
absl::Status CheckListen(const std::string& listen) {
  const absl::string_view rest = absl::StripPrefix(listen, "tcp://");
  const size_t colon = rest.rfind(':');
  int port = 0;
  if (!absl::StartsWith(listen, "tcp://") || colon == absl::string_view::npos ||
      colon == 0 ||
      (rest.substr(colon + 1) != "*" &&
       (!absl::SimpleAtoi(rest.substr(colon + 1), &port) || port < 0 ||
        port > 65535))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen=", listen, ": use tcp://ADDR:PORT, e.g. tcp://*:5555 or "
        "tcp://10.0.0.1:0 (0: any free port)"));
  }
  return absl::OkStatus();
}

std::string Absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  std::string cwd;
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY")) {
    cwd = dir;
  } else {
    std::error_code ec;
    cwd = std::filesystem::current_path(ec).string();
  }
  return absl::StrCat(cwd, "/", path);
}

}  // namespace

bool IsRemoteFlag(const absl::CommandLineFlag& flag) {
  return absl::StrContains(flag.Filename(), "master/remote_flags.cc");
}

absl::Status ParseRemoteFlags(FarmOptions* options) {
  RemoteOptions& r = options->remote;
  r.listen = absl::GetFlag(FLAGS_listen);
  r.advertise = absl::GetFlag(FLAGS_advertise);
  // Absolute: the workers srun starts may run elsewhere in the file system.
  r.keys_dir = Absolute(absl::GetFlag(FLAGS_keys));
  r.allow = Absolute(absl::GetFlag(FLAGS_allow));
  r.insecure = absl::GetFlag(FLAGS_insecure);
  r.launcher = absl::GetFlag(FLAGS_launcher);
  r.nodes = absl::GetFlag(FLAGS_nodes);
  r.procs_per_node = absl::GetFlag(FLAGS_procs_per_node);
  for (absl::string_view arg : absl::StrSplit(absl::GetFlag(FLAGS_srun_args), ' ',
                                              absl::SkipEmpty())) {
    r.srun_args.emplace_back(arg);
  }
  r.worker_master_timeout = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_worker_master_timeout));
  if (!r.launcher.empty() && r.launcher != "slurm") {
    return absl::InvalidArgumentError(
        absl::StrCat("--launcher=", r.launcher, ": the only launcher is slurm"));
  }
  if (r.launcher == "slurm") {
    if (r.nodes < 1) return absl::InvalidArgumentError("--nodes must be >= 1");
    if (r.listen.empty()) r.listen = "tcp://*:0";
  }
  if (options->workers == 0 && !r.enabled()) {
    return absl::InvalidArgumentError(
        "--workers=0 needs remote workers: --listen=tcp://ADDR:PORT or "
        "--launcher=slurm");
  }
  if (r.enabled()) {
    if (absl::Status s = CheckListen(r.listen); !s.ok()) return s;
    if (!r.insecure && r.keys_dir.empty() && r.launcher.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--listen=", r.listen, " needs CURVE keys: --keys=DIR (make them "
          "with `master --keygen=DIR`), or --insecure for plain tcp on a "
          "network you trust"));
    }
    if (r.insecure && !r.keys_dir.empty()) {
      return absl::InvalidArgumentError("--insecure and --keys do not go together");
    }
  }
  // Remote workers may take a while (a Slurm queue, a person typing);
  // local ones start at once.
  absl::Duration startup = absl::GetFlag(FLAGS_startup_timeout);
  if (startup == absl::ZeroDuration()) {
    startup = (options->workers == 0 || !r.launcher.empty())
                  ? absl::InfiniteDuration()
                  : absl::Seconds(60);
  }
  options->startup_timeout = startup == absl::InfiniteDuration()
                                 ? base::Duration{0}
                                 : absl::ToChronoNanoseconds(startup);
  return absl::OkStatus();
}

std::string KeygenDir() { return Absolute(absl::GetFlag(FLAGS_keygen)); }

int RunKeygen(const std::string& dir) {
  if (absl::Status s = proto::GenerateKeyDir(dir); !s.ok()) {
    std::fprintf(stderr, "taskfarm: %s\n", std::string(s.message()).c_str());
    return kExitUsage;
  }
  std::printf(
      "Wrote CURVE keys to %s:\n"
      "  master.public, master.secret    the master's pair (secret: mode 0600)\n"
      "  worker.public, worker.secret    a worker pair (secret: mode 0600)\n"
      "  authorized_workers              the worker public keys the master admits\n"
      "The master needs master.secret and authorized_workers:\n"
      "  master --listen=tcp://*:5555 --keys=%s ...\n"
      "Each worker host needs master.public and worker.secret:\n"
      "  worker --connect=tcp://MASTER:5555 --keys=DIR\n",
      dir.c_str(), dir.c_str());
  return kExitOk;
}

std::string RemoteHelpText() {
  return R"(
Remote workers (tcp, authenticated and encrypted with CURVE):
  --listen=tcp://ADDR:PORT   accept remote workers there, beside --workers
                         local ones (--workers=0: remote only); PORT 0 picks
                         a free port (printed at start)
  --keygen=DIR           write a master key pair, a worker key pair and the
                         allow-list authorized_workers to DIR, and exit
  --keys=DIR             the master's keys: DIR/master.secret, and the
                         allow-list DIR/authorized_workers
  --allow=FILE|DIR       another allow-list: one worker public key per line,
                         or a directory of *.public files
  --insecure             plain tcp: NO authentication, NO encryption
  --advertise=HOST       the host name workers dial (default: the --listen
                         address, or this host's name for a wildcard)
  --startup-timeout=D    how long to wait for the first worker (default 60s;
                         none with --workers=0 or a launcher)
  On another host:  worker --connect=tcp://HOST:PORT --keys=DIR [--procs=K]

Slurm:
  --launcher=slurm       start the remote workers with srun, one
                         `worker --procs` per node; the job step ends with
                         the batch (inside an sbatch allocation, srun uses it)
  --nodes=H              nodes to run workers on (default 1)
  --procs-per-node=K     worker processes per node (default: its CPUs)
  --srun-args='ARGS'     more srun arguments, e.g. '--partition=compute
                         --time=1:00:00'
  --worker-master-timeout=D  how long workers wait for a silent master
                         (default 60s)
  Without --keys, fresh keys are made for the run and passed to the workers
  through srun's environment.
)";
}

}  // namespace taskfarm::master
