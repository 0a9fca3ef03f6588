// File: base/find_program.h
//
// FindProgram: the file execve(2) should run for a program name, found the
// way a shell finds a command: a name with a '/' is a path as it stands;
// any other name is looked up in the directories of $PATH. The exec task
// uses it for its PROGRAM, the master for `srun`.
//
// Example:
//   absl::StatusOr<std::string> srun = base::FindProgram("srun");
//   if (!srun.ok()) return srun.status();  // "srun: No such file or directory"
//
// Thread-safe as long as nothing changes PATH meanwhile.

#ifndef TASKFARM_BASE_FIND_PROGRAM_H_
#define TASKFARM_BASE_FIND_PROGRAM_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace taskfarm::base {

// Used when PATH is not set.
inline constexpr char kDefaultPath[] = "/usr/local/bin:/usr/bin:/bin";

// `name` itself if it contains a '/'; else the first DIR/name, for DIR in
// $PATH (kDefaultPath if unset; an empty DIR is the current directory),
// that is an executable regular file. Returns kNotFound ("NAME: No such
// file or directory") if there is none, kPermissionDenied ("NAME:
// Permission denied") if the only matches are not executable.
absl::StatusOr<std::string> FindProgram(absl::string_view name);

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_FIND_PROGRAM_H_
