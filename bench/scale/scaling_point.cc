#include "bench/scale/scaling_point.h"

namespace taskfarm::bench {

std::vector<ScalingPoint> Derive(const std::vector<Measurement>& measurements) {
  double base = 0;
  for (const Measurement& m : measurements) {
    if (m.workers == 1 && m.wall_s > 0) base = m.wall_s;
  }
  std::vector<ScalingPoint> points;
  points.reserve(measurements.size());
  for (const Measurement& m : measurements) {
    ScalingPoint p{.m = m};
    if (m.wall_s > 0) {
      p.tasks_per_s = static_cast<double>(m.tasks) / m.wall_s;
      if (base > 0) p.speedup = base / m.wall_s;
    }
    if (m.workers > 0) p.efficiency = p.speedup / m.workers;
    points.push_back(p);
  }
  return points;
}

}  // namespace taskfarm::bench
