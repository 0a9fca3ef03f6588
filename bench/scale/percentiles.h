// File: bench/scale/percentiles.h
//
// Order statistics of a sample of durations: nearest-rank percentiles.
//
// Example:
//   std::vector<double> us = ...;
//   double p50 = Percentile(us, 50), p99 = Percentile(us, 99);
//
// Thread-safe.

#ifndef TASKFARM_BENCH_SCALE_PERCENTILES_H_
#define TASKFARM_BENCH_SCALE_PERCENTILES_H_

#include <algorithm>
#include <cmath>
#include <vector>

namespace taskfarm::bench {

// The nearest-rank `p`-th percentile (0 < p <= 100) of `sample`; 0 if it is
// empty. Takes a copy: the caller's order is kept.
inline double Percentile(std::vector<double> sample, double p) {
  if (sample.empty()) return 0;
  std::sort(sample.begin(), sample.end());
  const double rank = std::ceil(p / 100 * static_cast<double>(sample.size()));
  const size_t i = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sample[std::min(i, sample.size() - 1)];
}

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SCALE_PERCENTILES_H_
