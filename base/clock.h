// File: base/clock.h
//
// The monotonic clock every timer in taskfarm uses. Logic classes take
// `Instant now` as an argument instead of reading a clock, so tests can drive
// time; only event loops call Now().
//
// Thread-safe.

#ifndef TASKFARM_BASE_CLOCK_H_
#define TASKFARM_BASE_CLOCK_H_

#include <chrono>

namespace taskfarm::base {

using Clock = std::chrono::steady_clock;
using Instant = Clock::time_point;
using Duration = Clock::duration;

inline Instant Now() { return Clock::now(); }

// Milliseconds from `now` until `deadline`, clamped to [0, cap]; for poll().
inline int MillisUntil(Instant deadline, Instant now, int cap) {
  if (deadline <= now) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return ms > cap ? cap : static_cast<int>(ms);
}

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_CLOCK_H_
