// File: base/host_name.h
//
// HostName: this machine's name (gethostname), or `fallback` if it has
// none.
//
// Thread-safe.

#ifndef TASKFARM_BASE_HOST_NAME_H_
#define TASKFARM_BASE_HOST_NAME_H_

#include <unistd.h>

#include <string>

namespace taskfarm::base {

inline std::string HostName(const std::string& fallback = "localhost") {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return fallback;
  return name;
}

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_HOST_NAME_H_
