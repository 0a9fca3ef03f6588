// File: bench/scale/scaling_point.h
//
// One measured point of a CPU-scaling run (W workers, wall time) and the
// figures derived from it against the one-worker point: tasks per second,
// speedup T(1) / T(W) and efficiency speedup / W, for the whole process and
// for its tasks phase alone (first task sent to last result, as the master
// reports it: start-up and shutdown left out). Plain data, no I/O.
//
// Example:
//   std::vector<ScalingPoint> points = Derive({{1, 2.0, 200}, {2, 1.02, 200}});
//   points[1].speedup     // 1.96
//   points[1].efficiency  // 0.98
//
// Thread-compatible.

#ifndef TASKFARM_BENCH_SCALE_SCALING_POINT_H_
#define TASKFARM_BENCH_SCALE_SCALING_POINT_H_

#include <cstdint>
#include <vector>

namespace taskfarm::bench {

struct Measurement {
  int workers = 0;        // W
  double wall_s = 0;      // whole master process, start-up included
  uint64_t tasks = 0;     // tasks in the batch
  double cpu_s = 0;       // user + sys of the whole process tree
  double tasks_s = 0;     // the tasks phase; 0 if unknown
};

struct ScalingPoint {
  Measurement m;
  double tasks_per_s = 0;
  double speedup = 0;     // T(W = 1) / T(W); 0 if there is no W = 1 point
  double efficiency = 0;  // speedup / W
  // The same for the tasks phase; 0 if it or the W = 1 one is unknown.
  double tasks_speedup = 0;
  double tasks_efficiency = 0;
};

// Derives the figures of every measurement. The baseline is the point with
// workers == 1; without one, speedup and efficiency stay 0. Keeps the order.
std::vector<ScalingPoint> Derive(const std::vector<Measurement>& measurements);

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SCALE_SCALING_POINT_H_
