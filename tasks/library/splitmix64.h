// File: tasks/library/splitmix64.h
//
// SplitMix64 is Sebastiano Vigna's 64-bit generator (the seeder of the
// xoshiro family): tiny, fast, and fully specified, so a seed gives the same
// numbers on every machine and compiler. The task kinds that need
// reproducible pseudo-random input (pi, matmul) draw from it.
//
// Example:
//   SplitMix64 random(seed);
//   uint64_t bits = random.Next();
//   double unit = random.NextUnit();  // in [0, 1)
//
// Thread-compatible: one generator per thread.

#ifndef TASKFARM_TASKS_LIBRARY_SPLITMIX64_H_
#define TASKFARM_TASKS_LIBRARY_SPLITMIX64_H_

#include <cstdint>

namespace taskfarm::tasks {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  // The next 64 random bits.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  // A double uniform on [0, 1): the top 53 bits of Next(), times 2^-53.
  double NextUnit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace taskfarm::tasks

#endif  // TASKFARM_TASKS_LIBRARY_SPLITMIX64_H_
