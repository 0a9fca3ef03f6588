// File: master/binaries.h
//
// Finds the worker and logger executables the master starts: Bazel `data`
// dependencies, looked up in the master's runfiles tree (RUNFILES_DIR, or
// EXE.runfiles next to the executable), then beside the master: bazel-bin's
// layout, PREFIX/bin/taskfarm-worker (what //:install puts there), and
// DIR/worker (binaries copied into one directory). Flags --worker_bin and
// --logger_bin override this.
//
// Thread-safe.

#ifndef TASKFARM_MASTER_BINARIES_H_
#define TASKFARM_MASTER_BINARIES_H_

#include <string>

#include "absl/status/statusor.h"

namespace taskfarm::master {

// `name` is "worker" or "logger". Returns kNotFound listing where it looked.
absl::StatusOr<std::string> FindBinary(const std::string& name);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_BINARIES_H_
