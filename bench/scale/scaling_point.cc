#include "bench/scale/scaling_point.h"

namespace taskfarm::bench {

std::vector<ScalingPoint> Derive(const std::vector<Measurement>& measurements) {
  double base = 0, tasks_base = 0;
  for (const Measurement& m : measurements) {
    if (m.workers == 1 && m.wall_s > 0) base = m.wall_s;
    if (m.workers == 1 && m.tasks_s > 0) tasks_base = m.tasks_s;
  }
  std::vector<ScalingPoint> points;
  points.reserve(measurements.size());
  for (const Measurement& m : measurements) {
    ScalingPoint p{.m = m};
    if (m.wall_s > 0) {
      p.tasks_per_s = static_cast<double>(m.tasks) / m.wall_s;
      if (base > 0) p.speedup = base / m.wall_s;
    }
    if (m.tasks_s > 0 && tasks_base > 0) p.tasks_speedup = tasks_base / m.tasks_s;
    if (m.workers > 0) {
      p.efficiency = p.speedup / m.workers;
      p.tasks_efficiency = p.tasks_speedup / m.workers;
    }
    points.push_back(p);
  }
  return points;
}

}  // namespace taskfarm::bench
