// File: base/clock.h
//
// The monotonic clock every timer in taskfarm uses. Logic classes take
// `Instant now` as an argument instead of reading a clock, so tests can drive
// time; only event loops call Now(). Also the one conversion of a Duration
// to seconds (for people and JSON) and to whole milliseconds (for messages).
//
// Thread-safe.

#ifndef TASKFARM_BASE_CLOCK_H_
#define TASKFARM_BASE_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace taskfarm::base {

using Clock = std::chrono::steady_clock;
using Instant = Clock::time_point;
using Duration = Clock::duration;

inline Instant Now() { return Clock::now(); }

// A duration in seconds, for people and JSON: Seconds(1500ms) == 1.5.
inline double Seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

// A duration in whole milliseconds, for messages (truncated; 0 if negative).
inline uint64_t Millis(Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return ms > 0 ? static_cast<uint64_t>(ms) : 0;
}

// Milliseconds from `now` until `deadline`, clamped to [0, cap]; for poll().
inline int MillisUntil(Instant deadline, Instant now, int cap) {
  if (deadline <= now) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return ms > cap ? cap : static_cast<int>(ms);
}

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_CLOCK_H_
