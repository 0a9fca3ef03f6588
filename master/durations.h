// File: master/durations.h
//
// DurationHistogram counts task compute times (each record's elapsed_us)
// in buckets that double: bucket i holds the times in (2^(i-1), 2^i] µs
// (bucket 0: up to 1 µs), up to 2^32 µs (71.6 min), and a last bucket the
// longer ones; with the exact sum and count. The upper bounds are inclusive,
// so the buckets are a Prometheus histogram's `le` buckets as they are
// (cumulated), and fine enough (a factor of 2) for its quantiles. Adding a
// time is a bit_width and two additions: the master adds one per task.
//
// Plain data; use from one thread.

#ifndef TASKFARM_MASTER_DURATIONS_H_
#define TASKFARM_MASTER_DURATIONS_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace taskfarm::master {

class DurationHistogram {
 public:
  // 33 bounded buckets (1 µs .. 2^32 µs), then the unbounded one.
  static constexpr int kBounded = 33;
  static constexpr int kBuckets = kBounded + 1;

  // The bucket of a time of `us` microseconds.
  static int BucketOf(uint64_t us) {
    if (us <= 1) return 0;
    return std::min(static_cast<int>(std::bit_width(us - 1)), kBounded);
  }
  // The inclusive upper bound of bucket i < kBounded, in microseconds.
  static uint64_t UpperBoundUs(int i) { return uint64_t{1} << i; }
  static double UpperBoundSeconds(int i) {
    return static_cast<double>(UpperBoundUs(i)) / 1e6;
  }

  void Add(uint64_t us) {
    ++counts_[BucketOf(us)];
    sum_us_ += us;
    ++count_;
  }
  void Merge(const DurationHistogram& other) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    sum_us_ += other.sum_us_;
    count_ += other.count_;
  }
  void Clear() { *this = DurationHistogram(); }

  // Tasks per bucket (not cumulated).
  const std::array<uint64_t, kBuckets>& counts() const { return counts_; }
  uint64_t sum_us() const { return sum_us_; }
  uint64_t count() const { return count_; }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t sum_us_ = 0;
  uint64_t count_ = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_DURATIONS_H_
