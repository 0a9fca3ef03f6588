// File: master/stats_file.h
//
// The --stats-json file: checked before any task runs (a path that cannot
// be written is a usage error, exit 2, not a surprise at the end), written
// once at the end of the batch with every error reported (a full disk
// included: the write is checked up to close).
//
// Example:
//   if (absl::Status s = CheckStatsFile(path); !s.ok()) ...exit 2
//   ...the batch...
//   if (absl::Status s = WriteStatsFile(path, stats.ToJson(...)); !s.ok())
//     ...warn, and exit 4 if the batch would have exited 0 or 1
//
// Thread-safe.

#ifndef TASKFARM_MASTER_STATS_FILE_H_
#define TASKFARM_MASTER_STATS_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace taskfarm::master {

// Whether `path` can be written, without changing it: an existing file (or
// device) must open for writing; a new one needs a writable directory.
// Returns kInvalidArgument "cannot write --stats-json=PATH: why".
absl::Status CheckStatsFile(const std::string& path);

// Replaces the contents of `path` with `json`. Returns kUnavailable
// "cannot write --stats-json=PATH: why" if any step fails.
absl::Status WriteStatsFile(const std::string& path, absl::string_view json);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_STATS_FILE_H_
