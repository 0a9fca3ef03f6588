// File: master/flags.h
//
// The master's command line: flag definitions, the --help text, and their
// translation into FarmOptions. Flag names may be written with dashes or
// underscores (--max-memory or --max_memory).
//
// Not thread-safe: parses the process's command line.

#ifndef TASKFARM_MASTER_FLAGS_H_
#define TASKFARM_MASTER_FLAGS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "master/options.h"
#include "master/template/template_batch.h"

namespace taskfarm::master {

// What the command line asks for.
struct Command {
  enum Action { kRun, kHelp, kVersion, kListTasks } action = kRun;
  FarmOptions options;
  // A command template's jobs (nullptr for task files); with dry_run, print
  // them instead of running them.
  std::shared_ptr<const TemplateBatch> batch;
  bool dry_run = false;
  // Advice for stderr that does not stop the batch.
  std::vector<std::string> warnings;
};

// Parses argv: flags (taskfarm's, and GNU Parallel's spelling of the ones
// they share), then task files or a command template with its sources
// (whose files and standard input are read here, once). Every value is
// range-checked. Returns kInvalidArgument with a message for people on a
// bad flag or value, a Parallel flag taskfarm does not offer, or a bad
// template; kNotFound/kUnavailable for a source file that cannot be read.
absl::StatusOr<Command> ParseCommandLine(int argc, char** argv);

// The --help text.
std::string HelpText();

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_FLAGS_H_
