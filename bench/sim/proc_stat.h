// File: bench/sim/proc_stat.h
//
// What /proc says about one process: CPU time (user + system, all its
// threads: libzmq's I/O thread, where CURVE encrypts and decrypts, counts
// too) and memory (resident set now and at its peak).
//
// Example:
//   absl::StatusOr<ProcSample> s = ReadProc(master_pid);
//   if (s.ok()) ... s->cpu_s, s->rss_mb ...
//
// Thread-safe.

#ifndef TASKFARM_BENCH_SIM_PROC_STAT_H_
#define TASKFARM_BENCH_SIM_PROC_STAT_H_

#include <sys/types.h>

#include "absl/status/statusor.h"

namespace taskfarm::bench {

struct ProcSample {
  double cpu_s = 0;   // utime + stime, /proc/PID/stat
  double rss_mb = 0;  // VmRSS, /proc/PID/status
  double hwm_mb = 0;  // VmHWM: the peak resident set
};

// Returns kNotFound if the process is gone (or was never there).
absl::StatusOr<ProcSample> ReadProc(pid_t pid);

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SIM_PROC_STAT_H_
