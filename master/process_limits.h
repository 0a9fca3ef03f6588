// File: master/process_limits.h
//
// EnsureLimits checks, before the master starts ZeroMQ (whose threads
// abort the process when they cannot get a file descriptor or a thread),
// that the process limits leave room for a batch of `local_workers`: open
// files (the soft limit is raised up to the hard one if need be) and
// threads (ulimit -u). A limit too low is reported as an error for people
// at once, instead of an abort (exit 134) that leaves the runtime
// directory behind.
//
// Thread-compatible (it sets process-wide limits).

#ifndef TASKFARM_MASTER_PROCESS_LIMITS_H_
#define TASKFARM_MASTER_PROCESS_LIMITS_H_

#include "absl/status/status.h"

namespace taskfarm::master {

// Returns kResourceExhausted saying which limit is too low, and how far.
absl::Status EnsureLimits(int local_workers);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_PROCESS_LIMITS_H_
