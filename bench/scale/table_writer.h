// File: bench/scale/table_writer.h
//
// The scaling figures as text: an aligned table for a terminal and CSV for
// spreadsheets and plots. Columns: W, wall s, tasks/s, speedup, efficiency
// (the whole run); s, speedup, efficiency (the tasks phase); CPU s. Pure
// functions.
//
// Example:
//   std::fputs(FormatTable(points).c_str(), stdout);
//   WriteFile("scaling.csv", FormatCsv(points));
//
// Thread-safe.

#ifndef TASKFARM_BENCH_SCALE_TABLE_WRITER_H_
#define TASKFARM_BENCH_SCALE_TABLE_WRITER_H_

#include <string>
#include <vector>

#include "bench/scale/scaling_point.h"

namespace taskfarm::bench {

// A header line, then one line per point; numbers right-aligned.
std::string FormatTable(const std::vector<ScalingPoint>& points);

// RFC 4180 CSV: the header
//   workers,wall_s,tasks,tasks_per_s,speedup,efficiency,cpu_s,
//   tasks_phase_s,tasks_phase_speedup,tasks_phase_efficiency
// then one line per point, "\n" line ends, '.' as the decimal point.
std::string FormatCsv(const std::vector<ScalingPoint>& points);

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SCALE_TABLE_WRITER_H_
