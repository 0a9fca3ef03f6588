// File: master/flag_checks.h
//
// Range checks of the master's settings, so that a value that cannot work
// is refused at once (exit 2) with a message naming the flag and what it
// accepts, instead of wrapping around, killing healthy tasks or forking
// without end. Also the most workers this machine can take.
//
// Thread-safe (reads process limits only).

#ifndef TASKFARM_MASTER_FLAG_CHECKS_H_
#define TASKFARM_MASTER_FLAG_CHECKS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "master/options.h"

namespace taskfarm::master {

// The most local workers that can work here, and the limit that says so
// (e.g. "the open files limit (ulimit -n) of 1024").
struct WorkerLimit {
  int max_workers = 0;
  std::string reason;
};
WorkerLimit MaxWorkers();

// Master file descriptors one local worker costs (its socket connection,
// its spawn pipe, its state page while mapped), and what the master keeps
// for itself.
inline constexpr int kFdsPerWorker = 4;
inline constexpr int kFdsReserved = 64;

// Checks every setting of `o` against its range. Returns kInvalidArgument
// "--FLAG=VALUE: what it accepts" for the first one out of range. Appends
// advice that is not an error (more workers than CPUs) to `warnings`.
absl::Status CheckRanges(const FarmOptions& o, std::vector<std::string>* warnings);

// Whether `path` is an executable regular file; kInvalidArgument naming
// `flag` otherwise (a directory, a missing file, no x bit).
absl::Status CheckExecutable(const std::string& flag, const std::string& path);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_FLAG_CHECKS_H_
