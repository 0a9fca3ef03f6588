// File: master/flags.h
//
// The master's command line: flag definitions, the --help text, and their
// translation into FarmOptions. Flag names may be written with dashes or
// underscores (--max-memory or --max_memory).
//
// Not thread-safe: parses the process's command line.

#ifndef TASKFARM_MASTER_FLAGS_H_
#define TASKFARM_MASTER_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "master/options.h"

namespace taskfarm::master {

// What the command line asks for.
struct Command {
  enum Action { kRun, kHelp, kVersion, kListTasks } action = kRun;
  FarmOptions options;
};

// Parses argv. Returns kInvalidArgument with a message for people on a bad
// flag or value.
absl::StatusOr<Command> ParseCommandLine(int argc, char** argv);

// The --help text.
std::string HelpText();

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_FLAGS_H_
