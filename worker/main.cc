// The taskfarm worker: one compute process. The master starts it (local
// workers, over ipc://); on other machines users start it with
// --connect=tcp://... to join a master. It runs every task kind linked into
// the binary: link //worker:main with your own task library to make a
// worker with your own kinds (see examples/custom_tasks).

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "base/version.h"
#include "tasks/registry.h"
#include "worker/worker.h"

ABSL_FLAG(std::string, connect, "",
          "the master's task endpoint, e.g. ipc:///tmp/taskfarm.x/work or "
          "tcp://host:5555");
ABSL_FLAG(std::string, state_file, "",
          "(set by a local master) where to publish the running task");
ABSL_FLAG(bool, list_tasks, false,
          "print the task kinds this worker can run, and exit");
ABSL_FLAG(bool, version, false, "print the version and exit");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "taskfarm worker: runs tasks for a taskfarm master.\n"
      "  worker --connect=ENDPOINT\n"
      "Exit codes: 0 shut down by the master, 2 usage, 70 a task threw,\n"
      "71 a task ran out of memory, 72 a task ran past --timeout,\n"
      "75 the master went silent.");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_version)) {
    std::printf("taskfarm worker %s\n", taskfarm::base::kVersion);
    return 0;
  }
  if (absl::GetFlag(FLAGS_list_tasks)) {
    for (const auto* def : taskfarm::tasks::TaskRegistry::Global()->List()) {
      std::printf("%-12s %-16s %s\n", def->name.c_str(),
                  def->signature.ToString().c_str(), def->doc.c_str());
    }
    return 0;
  }
  std::string endpoint = absl::GetFlag(FLAGS_connect);
  if (endpoint.empty()) {
    std::fprintf(stderr, "worker: --connect=ENDPOINT is required\n");
    return taskfarm::worker::kExitUsage;
  }
  taskfarm::worker::WorkerOptions options{
      .endpoint = endpoint, .state_file = absl::GetFlag(FLAGS_state_file)};
  return taskfarm::worker::Worker(options).Run();
}
