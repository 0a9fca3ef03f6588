// File: master/remote_flags.h
//
// The master's flags for remote workers and key generation (--listen,
// --keys, --insecure, --launcher=slurm, --keygen, ...), kept apart from
// master/flags.cc, which calls ParseRemoteFlags after its own flags.
//
// Not thread-safe: reads the process's flags.

#ifndef TASKFARM_MASTER_REMOTE_FLAGS_H_
#define TASKFARM_MASTER_REMOTE_FLAGS_H_

#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/status/status.h"
#include "master/options.h"

namespace taskfarm::master {

// Whether `flag` is defined in remote_flags.cc (flags.cc accepts it).
bool IsRemoteFlag(const absl::CommandLineFlag& flag);

// Fills options->remote and options->startup_timeout from the flags, and
// checks them against options->workers. Returns kInvalidArgument with a
// message for people: --workers=0 without --listen, tcp without keys or
// --insecure, a bad --listen address, --launcher other than slurm.
absl::Status ParseRemoteFlags(FarmOptions* options);

// The --keygen directory, or "" (then the master runs a batch).
std::string KeygenDir();
// Writes the keys (proto::GenerateKeyDir) and tells the user what to do
// with them. Returns the master's exit code.
int RunKeygen(const std::string& dir);

// The "Remote workers" section of --help.
std::string RemoteHelpText();

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_REMOTE_FLAGS_H_
