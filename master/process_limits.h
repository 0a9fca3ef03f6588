// File: master/process_limits.h
//
// EnsureLimits checks, before the master starts ZeroMQ (whose threads
// abort the process when they cannot get a file descriptor or a thread),
// that the process limits leave room for a batch of `local_workers`: open
// files (the soft limit is raised up to the hard one if need be, and to the
// hard one when remote workers may join) and threads (ulimit -u). A limit too low is reported as an error for people
// at once, instead of an abort (exit 134) that leaves the runtime
// directory behind.
//
// Thread-compatible (it sets process-wide limits).

#ifndef TASKFARM_MASTER_PROCESS_LIMITS_H_
#define TASKFARM_MASTER_PROCESS_LIMITS_H_

#include <cstdint>

#include "absl/status/status.h"

namespace taskfarm::master {

// Returns kResourceExhausted saying which limit is too low, and how far.
// With `remote_workers` (--listen) the soft open-files limit is raised to
// the hard one as well: each remote worker holds two connections, and a
// master at its limit stops accepting them without a word.
absl::Status EnsureLimits(int local_workers, bool remote_workers);

// How many remote workers the open-files limit leaves room for beside
// `local_workers` (two descriptors each); -1 when it is unlimited.
int64_t RemoteWorkerRoom(int local_workers);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_PROCESS_LIMITS_H_
