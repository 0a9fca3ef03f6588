// File: bench/scale/batch_run.h
//
// Runs one batch with the real master executable, as a user would, and
// measures it from outside: wall time of the whole process (start-up,
// parsing, shutdown included) and CPU time (user + sys) of the process tree
// (the master and every child it reaped).
//
// Example:
//   absl::StatusOr<RunResult> r = RunBatch(master, {"--workers=2", ...},
//                                          "/tmp/run.log");
//
// Thread-compatible (it forks).

#ifndef TASKFARM_BENCH_SCALE_BATCH_RUN_H_
#define TASKFARM_BENCH_SCALE_BATCH_RUN_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace taskfarm::bench {

struct RunResult {
  double wall_s = 0;
  double cpu_s = 0;
};

// Runs `binary` with `args`, its standard output and error appended to
// `log_path`, and waits for it. Returns kInternal if it cannot be started,
// kAborted if it exits with a non-zero code or on a signal (the message
// says which and names the log).
absl::StatusOr<RunResult> RunBatch(const std::string& binary,
                                   const std::vector<std::string>& args,
                                   const std::string& log_path);

// Starts argv[0] (a path: no PATH lookup) with `argv`; its standard output
// and error go to `stdout_fd` and `stderr_fd` when they are >= 0. Returns
// its pid, or -1 if fork fails; a program that cannot be run exits 127.
pid_t Spawn(const std::vector<std::string>& argv, int stdout_fd = -1,
            int stderr_fd = -1);

// This executable's path (/proc/self/exe), "" if unknown.
std::string SelfExe();

// The path of `name` (e.g. "master/master") in this binary's runfiles, or
// next to it in bazel-bin; kNotFound naming the places tried.
absl::StatusOr<std::string> FindRunfile(const std::string& name);

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SCALE_BATCH_RUN_H_
