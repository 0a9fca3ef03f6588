// File: master/input/odometer.h
//
// The range arguments of a task line (`fib 1..3`, `fibmod 1..2 7..8`) and
// the odometer that steps through their cross product, the last range
// turning fastest, like nested loops. TaskLine uses it while checking a
// line, and SpoolFeed uses it to expand a range line kept compact in the
// input spool: one odometer for both, so the two cannot disagree on the
// order of the tasks.
//
// Example:
//   std::vector<proto::Value> args = ...;  // the line's arguments
//   OdometerFirst(ranges, &args);
//   do { ...a task with `args`... } while (OdometerNext(ranges, &args));
//
// Thread-compatible (pure functions).

#ifndef TASKFARM_MASTER_INPUT_ODOMETER_H_
#define TASKFARM_MASTER_INPUT_ODOMETER_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "proto/value.h"

namespace taskfarm::master {

// One integer argument given as an inclusive range `lo..hi`.
struct ArgRange {
  uint32_t position = 0;  // which argument of the task
  bool is_unsigned = false;
  // The ends, lo <= hi; a signed range keeps its int64_t ends' bits.
  uint64_t lo = 0;
  uint64_t hi = 0;

  // How many values the range holds, minus one (two's complement
  // subtraction is right for both kinds of ends).
  uint64_t span() const { return hi - lo; }
  proto::Value First() const {
    return is_unsigned ? proto::Value{lo}
                       : proto::Value{static_cast<int64_t>(lo)};
  }
};

// Sets every range argument of `args` to its range's first value. Each
// range's position must be below args->size().
void OdometerFirst(absl::Span<const ArgRange> ranges,
                   std::vector<proto::Value>* args);

// Steps `args` to the next combination; false after the last one (`args`
// is then back at the first). `args` must have come from OdometerFirst
// (a range argument holds its range's type).
bool OdometerNext(absl::Span<const ArgRange> ranges,
                  std::vector<proto::Value>* args);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_ODOMETER_H_
