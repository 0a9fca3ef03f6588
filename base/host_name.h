// File: base/host_name.h
//
// HostName: this machine's name, as gethostname(2) gives it. The worker
// names its host in its hello; the master advertises it as the address
// remote workers dial when it listens on a wildcard address.
//
// Example:
//   std::string host = base::HostName().value_or("unknown");
//
// Thread-safe.

#ifndef TASKFARM_BASE_HOST_NAME_H_
#define TASKFARM_BASE_HOST_NAME_H_

#include <string>

#include "absl/status/statusor.h"

namespace taskfarm::base {

// This host's name. Returns errno's code (kUnavailable, ...) with
// "gethostname: REASON" if the system call fails, and kInvalidArgument if
// the name it gives is empty.
absl::StatusOr<std::string> HostName();

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_HOST_NAME_H_
