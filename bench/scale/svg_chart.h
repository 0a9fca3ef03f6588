// File: bench/scale/svg_chart.h
//
// A self-contained SVG line chart of speedup against worker count: the
// measured points of the whole run and, when known, of the tasks phase
// (each series joined, each point labelled with its speedup), the ideal line
// speedup = W, a vertical marker at W = cores, axes with ticks and labels,
// a title, a subtitle and a legend. No scripts, no external fonts or files:
// it opens in any browser and embeds in Markdown.
//
// Example:
//   ChartText text{.title = "taskfarm CPU scaling", .subtitle = "2 CPUs"};
//   WriteFile("scaling.svg", SpeedupSvg(points, /*cores=*/2, text));
//
// Thread-safe.

#ifndef TASKFARM_BENCH_SCALE_SVG_CHART_H_
#define TASKFARM_BENCH_SCALE_SVG_CHART_H_

#include <string>
#include <vector>

#include "bench/scale/scaling_point.h"

namespace taskfarm::bench {

struct ChartText {
  std::string title;
  std::string subtitle;  // e.g. the task, the machine and its load
};

// Where data lands on the canvas: W on x from 0 to max_w, speedup on y from
// 0 to max_y (bottom to top). Exposed so that tests can find the points.
class ChartGeometry {
 public:
  static constexpr double kWidth = 720, kHeight = 480;
  static constexpr double kLeft = 72, kRight = 28, kTop = 70, kBottom = 64;

  ChartGeometry(double max_w, double max_y) : max_w_(max_w), max_y_(max_y) {}
  // Canvas coordinates of W and of a speedup.
  double X(double w) const;
  double Y(double speedup) const;
  double max_w() const { return max_w_; }
  double max_y() const { return max_y_; }

  // The axes a chart of `points` uses: x up to the largest W (at least
  // cores), y up to the largest of the speedups and that W, rounded up.
  static ChartGeometry For(const std::vector<ScalingPoint>& points, int cores);

 private:
  double max_w_, max_y_;
};

// The chart as an SVG document. Text is XML-escaped.
std::string SpeedupSvg(const std::vector<ScalingPoint>& points, int cores,
                       const ChartText& text);

// `s` with &, <, >, " and ' replaced by entities.
std::string XmlEscape(const std::string& s);

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SCALE_SVG_CHART_H_
