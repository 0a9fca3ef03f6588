// File: master/halt.h
//
// HaltPolicy is --halt, in the spirit of GNU Parallel: stop the batch early
// once enough tasks failed (or succeeded).
//
//   --halt=never              run everything (the default)
//   --halt=now,fail=1         at the first failure, stop at once: running
//                             tasks are abandoned (not reported)
//   --halt=soon,fail=10%      when 10% of all tasks failed, hand out nothing
//                             more and let running tasks finish
//   --halt=now,success=1      stop at the first task that succeeds
//
// A task fails when its status is not ok. Percentages are of the whole
// batch, and at least one task must have failed (or succeeded).
//
// Value type; thread-compatible.

#ifndef TASKFARM_MASTER_HALT_H_
#define TASKFARM_MASTER_HALT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace taskfarm::master {

struct HaltPolicy {
  enum class When { kNever, kNow, kSoon };
  When when = When::kNever;
  bool on_success = false;  // else on failures
  uint64_t count = 0;       // a number of tasks, or
  double percent = 0;       // a share of the batch, if count == 0

  // Returns kInvalidArgument with a message for people.
  static absl::StatusOr<HaltPolicy> Parse(absl::string_view spec);

  // Whether the batch should stop, given what was reported so far.
  bool Triggered(uint64_t failed, uint64_t succeeded, uint64_t total) const;

  // "now,fail=1", as written.
  std::string ToString() const;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_HALT_H_
