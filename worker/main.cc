// The taskfarm worker: one compute process. The master starts it (local
// workers, over ipc://); on other machines users start it with
// --connect=tcp://... to join a master, and then it runs --procs worker
// processes (default: one per CPU) under a local supervisor. It runs every
// task kind linked into the binary: link //worker:main with your own task
// library to make a worker with your own kinds (see examples/custom_tasks).

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/version.h"
#include "tasks/registry.h"
#include "worker/connection.h"
#include "worker/procs.h"
#include "worker/worker.h"

ABSL_FLAG(std::string, connect, "",
          "the master's task endpoint, e.g. ipc:///tmp/taskfarm.x/work or "
          "tcp://host:5555");
ABSL_FLAG(std::string, state_file, "",
          "(set by a local master) where to publish the running task");
ABSL_FLAG(std::string, keys, "",
          "tcp: directory with master.public and worker.secret (made by "
          "`master --keygen=DIR`)");
ABSL_FLAG(std::string, master_key, "", "tcp: the master's public key file");
ABSL_FLAG(std::string, key, "", "tcp: this worker's secret key file");
ABSL_FLAG(bool, insecure, false,
          "tcp without CURVE: unencrypted, unauthenticated; trusted networks "
          "only");
ABSL_FLAG(int, procs, -1,
          "worker processes to run on this host under a local supervisor "
          "(default for tcp: one per CPU this process may use; 0: run one "
          "worker in this process)");
ABSL_FLAG(absl::Duration, master_timeout, absl::Seconds(60),
          "tcp: how long to keep trying to reach a silent master before "
          "exiting 75");
ABSL_FLAG(bool, list_tasks, false,
          "print the task kinds this worker can run, and exit");

namespace {

// Flag names may be written with dashes, as the master's may:
// --master-timeout is --master_timeout.
std::vector<char*> Underscored(int argc, char** argv, std::vector<std::string>* store) {
  store->assign(argv, argv + argc);
  for (std::string& arg : *store) {
    if (arg == "--") break;
    if (arg.rfind("--", 0) != 0) continue;
    for (size_t i = 2; i < arg.size() && arg[i] != '='; ++i) {
      if (arg[i] == '-') arg[i] = '_';
    }
  }
  std::vector<char*> args;
  for (std::string& arg : *store) args.push_back(arg.data());
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "taskfarm worker: runs tasks for a taskfarm master.\n"
      "  worker --connect=ENDPOINT\n"
      "  worker --connect=tcp://HOST:PORT --keys=DIR [--procs=K]\n"
      "Exit codes: 0 shut down by the master, 2 usage, 3 crash loop (--procs),\n"
      "79 recycled by the master (--max-tasks-per-worker; --procs starts another),\n"
      "70 a task threw, 71 a task ran out of memory, 72 a task ran past\n"
      "--timeout, 75 the master went silent, 77 the master refused our key.");
  std::vector<std::string> store;
  std::vector<char*> args = Underscored(argc, argv, &store);
  // --version is Abseil's own flag (a flag of ours by that name would
  // clash with it now that Abseil is linked statically); it prints this.
  absl::FlagsUsageConfig usage;
  usage.version_string = [] {
    return absl::StrCat("taskfarm worker ", taskfarm::base::kVersion, "\n");
  };
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, args.data());
  if (absl::GetFlag(FLAGS_list_tasks)) {
    for (const auto* def : taskfarm::tasks::TaskRegistry::Global()->List()) {
      std::printf("%-12s %-16s %s\n", def->name.c_str(),
                  def->signature.ToString().c_str(), def->doc.c_str());
    }
    return 0;
  }
  taskfarm::worker::ConnectionFlags flags{
      .endpoint = absl::GetFlag(FLAGS_connect),
      .keys_dir = absl::GetFlag(FLAGS_keys),
      .master_key_file = absl::GetFlag(FLAGS_master_key),
      .key_file = absl::GetFlag(FLAGS_key),
      .insecure = absl::GetFlag(FLAGS_insecure),
      .master_timeout = absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_master_timeout))};
  if (flags.endpoint.empty()) {
    std::fprintf(stderr, "worker: --connect=ENDPOINT is required\n");
    return taskfarm::worker::kExitUsage;
  }
  int procs = absl::GetFlag(FLAGS_procs);
  taskfarm::worker::WorkerOptions options{.state_file = absl::GetFlag(FLAGS_state_file)};
  absl::Status s = taskfarm::worker::CheckWorkerFlags(flags, procs);
  if (s.ok()) s = taskfarm::worker::ConfigureConnection(flags, &options);
  if (!s.ok()) {
    std::fprintf(stderr, "worker: %s\n", std::string(s.message()).c_str());
    return taskfarm::worker::kExitUsage;
  }
  if (procs < 0) {
    procs = taskfarm::worker::IsTcp(flags.endpoint) ? taskfarm::worker::DefaultProcs() : 0;
  }
  if (procs > 0) {
    return taskfarm::worker::RunProcs(taskfarm::worker::ChildArgv(flags), procs);
  }
  return taskfarm::worker::Worker(options).Run();
}
