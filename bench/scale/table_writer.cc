#include "bench/scale/table_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace taskfarm::bench {

std::string FormatTable(const std::vector<ScalingPoint>& points) {
  std::string out = absl::StrFormat(
      "%3s %9s %11s %8s %10s | %8s %8s %10s | %8s\n", "", "whole run", "", "",
      "", "tasks", "phase", "", "");
  absl::StrAppendFormat(&out, "%3s %9s %11s %8s %10s | %8s %8s %10s | %8s\n",
                        "W", "wall s", "tasks/s", "speedup", "efficiency",
                        "s", "speedup", "efficiency", "CPU s");
  for (const ScalingPoint& p : points) {
    absl::StrAppendFormat(
        &out, "%3d %9.3f %11.1f %8.3f %10.3f | %8.3f %8.3f %10.3f | %8.3f\n",
        p.m.workers, p.m.wall_s, p.tasks_per_s, p.speedup, p.efficiency,
        p.m.tasks_s, p.tasks_speedup, p.tasks_efficiency, p.m.cpu_s);
  }
  return out;
}

std::string FormatCsv(const std::vector<ScalingPoint>& points) {
  std::string out =
      "workers,wall_s,tasks,tasks_per_s,speedup,efficiency,cpu_s,"
      "tasks_phase_s,tasks_phase_speedup,tasks_phase_efficiency\n";
  for (const ScalingPoint& p : points) {
    absl::StrAppendFormat(&out, "%d,%.6f,%d,%.3f,%.4f,%.4f,%.3f,%.6f,%.4f,%.4f\n",
                          p.m.workers, p.m.wall_s, p.m.tasks, p.tasks_per_s,
                          p.speedup, p.efficiency, p.m.cpu_s, p.m.tasks_s,
                          p.tasks_speedup, p.tasks_efficiency);
  }
  return out;
}

}  // namespace taskfarm::bench
