#include "base/host_name.h"

#include <limits.h>
#include <unistd.h>

#include <cerrno>

namespace taskfarm::base {

absl::StatusOr<std::string> HostName() {
  // HOST_NAME_MAX excludes the terminating NUL, which gethostname may omit
  // when it cuts a name: the buffer has one byte more, always zero.
  char name[HOST_NAME_MAX + 2] = {};
  if (gethostname(name, HOST_NAME_MAX + 1) != 0) {
    return absl::ErrnoToStatus(errno, "gethostname");
  }
  if (name[0] == '\0') return absl::InvalidArgumentError("gethostname: empty name");
  return std::string(name);
}

}  // namespace taskfarm::base
