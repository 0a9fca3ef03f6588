// File: master/parallel_flags.h
//
// GNU Parallel's spelling of the flags taskfarm shares with it, turned
// into taskfarm's own (-j 4 -> --workers=4, -k -> --keep_order, --bar ->
// --progress, --results DIR -> --results_dir=DIR, --dry-run, -a FILE,
// --joblog FILE, --timeout 30 -> 30s, --will-cite), and Parallel's other
// flags refused by name, so that none is silently ignored.
//
// Thread-safe (pure functions).

#ifndef TASKFARM_MASTER_PARALLEL_FLAGS_H_
#define TASKFARM_MASTER_PARALLEL_FLAGS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace taskfarm::master {

// What argv[*i] (and maybe argv[*i + 1]) means in Parallel's spelling.
struct ParallelFlag {
  // taskfarm flag words to parse instead ("--workers=4"); empty with
  // `arg_file` set or for a flag with no effect (--will-cite).
  std::vector<std::string> flags;
  std::optional<std::string> arg_file;  // -a FILE
};

// Returns nullopt if argv[*i] is not one of Parallel's spellings (then it
// is parsed as a taskfarm flag). Advances *i past a separate value.
// Returns kInvalidArgument for a Parallel flag taskfarm does not support,
// naming it, or a missing or bad value. `cpus` is what -j N% and -j +N
// count from.
absl::StatusOr<std::optional<ParallelFlag>> TranslateParallelFlag(
    const std::vector<std::string>& argv, size_t* i, int cpus);

// Parallel's -j value: N, +N / -N (CPUs plus or minus N), N% (of the
// CPUs). Returns kInvalidArgument for anything else, 0 included.
absl::StatusOr<int> ParseJobs(const std::string& value, int cpus);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_PARALLEL_FLAGS_H_
