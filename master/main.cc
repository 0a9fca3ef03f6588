// taskfarm master (installed as `taskfarm`): runs a batch of tasks, or of
// jobs from a GNU Parallel-style command template, on local (and remote)
// workers.
// Everything it does is in the library (taskfarm::Farm, master/farm.h, the
// same code path a program embedding taskfarm uses); this file only reads
// the command line and maps the outcome to an exit code.

#include <cstdio>
#include <filesystem>
#include <string>

#include "base/version.h"
#include "master/farm.h"
#include "master/flags.h"
#include "master/remote_flags.h"

int main(int argc, char** argv) {
  absl::StatusOr<taskfarm::master::Command> cmd =
      taskfarm::master::ParseCommandLine(argc, argv);
  if (!cmd.ok()) {
    std::fprintf(stderr, "taskfarm: %s\n", std::string(cmd.status().message()).c_str());
    return taskfarm::master::kExitUsage;
  }
  for (const std::string& warning : cmd->warnings) {
    std::fprintf(stderr, "taskfarm: warning: %s\n", warning.c_str());
  }
  if (std::string dir = taskfarm::master::KeygenDir(); !dir.empty()) {
    return taskfarm::master::RunKeygen(dir);
  }
  switch (cmd->action) {
    case taskfarm::master::Command::kHelp:
      std::fputs(taskfarm::master::HelpText().c_str(), stdout);
      return 0;
    case taskfarm::master::Command::kVersion:
      std::printf("taskfarm %s\n", taskfarm::base::kVersion);
      return 0;
    case taskfarm::master::Command::kListTasks:
      cmd->options.list_tasks = true;
      cmd->options.workers = 1;
      break;
    case taskfarm::master::Command::kRun:
      break;
  }
  if (cmd->dry_run) {
    cmd->batch->DryRun(stdout, cmd->options.workers);
    return std::fflush(stdout) == 0 ? 0 : taskfarm::master::kExitOutputFailed;
  }
  // As GNU Parallel's --results does: the directory is made if need be.
  if (const std::string& dir = cmd->options.results_dir; !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
      std::fprintf(stderr, "taskfarm: --results-dir=%s: %s\n", dir.c_str(),
                   ec ? ec.message().c_str() : "not a directory");
      return taskfarm::master::kExitUsage;
    }
  }
  return taskfarm::Farm(std::move(cmd->options)).Run();
}
