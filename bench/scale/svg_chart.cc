#include "bench/scale/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace taskfarm::bench {
namespace {

constexpr char kMeasured[] = "#1f6feb";
constexpr char kPhase[] = "#1a7f37";
constexpr char kIdeal[] = "#8b949e";
constexpr char kCores[] = "#d1242f";
constexpr char kFont[] =
    "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

// A tick step giving about five ticks up to `max`: 1, 2 or 5 times 10^k.
double TickStep(double max) {
  const double raw = max / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10 * magnitude;
}

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

std::string Text(double x, double y, const std::string& anchor, int size,
                 const std::string& body, const std::string& extra = "") {
  return absl::StrCat("<text x=\"", Num(x), "\" y=\"", Num(y),
                      "\" text-anchor=\"", anchor, "\" font-size=\"", size,
                      "\" ", kFont, extra, ">", XmlEscape(body), "</text>\n");
}

std::string Line(double x1, double y1, double x2, double y2,
                 const std::string& style) {
  return absl::StrCat("<line x1=\"", Num(x1), "\" y1=\"", Num(y1), "\" x2=\"",
                      Num(x2), "\" y2=\"", Num(y2), "\" ", style, "/>\n");
}

// One measured series: the line, a dot per point with a tooltip, and each
// speedup written above (or below) its dot.
std::string Series(const ChartGeometry& g, const std::vector<ScalingPoint>& points,
                   double ScalingPoint::*speedup, double ScalingPoint::*efficiency,
                   const char* color, double label_dy, const std::string& what) {
  std::string svg, path;
  for (const ScalingPoint& p : points) {
    absl::StrAppend(&path, path.empty() ? "" : " ", Num(g.X(p.m.workers)), ",",
                    Num(g.Y(p.*speedup)));
  }
  absl::StrAppend(&svg, "<polyline fill=\"none\" stroke=\"", color,
                  "\" stroke-width=\"2.5\" points=\"", path, "\"/>\n");
  for (const ScalingPoint& p : points) {
    absl::StrAppend(&svg, "<circle cx=\"", Num(g.X(p.m.workers)), "\" cy=\"",
                    Num(g.Y(p.*speedup)), "\" r=\"4.5\" fill=\"", color,
                    "\"><title>", absl::StrFormat(
                        "W = %d, %s: speedup %.2f, efficiency %.0f%%",
                        p.m.workers, what, p.*speedup, 100 * p.*efficiency),
                    "</title></circle>\n");
    absl::StrAppend(&svg, Text(g.X(p.m.workers), g.Y(p.*speedup) + label_dy,
                               "middle", 11, absl::StrFormat("%.2f", p.*speedup),
                               absl::StrCat(" fill=\"", color, "\"")));
  }
  return svg;
}

}  // namespace

double ChartGeometry::X(double w) const {
  const double plot = kWidth - kLeft - kRight;
  return kLeft + plot * w / max_w_;
}

double ChartGeometry::Y(double speedup) const {
  const double plot = kHeight - kTop - kBottom;
  return kTop + plot * (1 - speedup / max_y_);
}

ChartGeometry ChartGeometry::For(const std::vector<ScalingPoint>& points,
                                 int cores) {
  double max_w = std::max(1, cores);
  double max_s = 1;
  for (const ScalingPoint& p : points) {
    max_w = std::max(max_w, static_cast<double>(p.m.workers));
    max_s = std::max({max_s, p.speedup, p.tasks_speedup});
  }
  const double top = std::max(max_w, max_s);
  const double step = TickStep(top);
  return ChartGeometry(max_w, std::ceil(top / step) * step);
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string SpeedupSvg(const std::vector<ScalingPoint>& points, int cores,
                       const ChartText& text) {
  using G = ChartGeometry;
  const G g = G::For(points, cores);
  const double x0 = G::kLeft, x1 = G::kWidth - G::kRight;
  const double y0 = G::kHeight - G::kBottom, y1 = G::kTop;
  std::string svg = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", G::kWidth,
      "\" height=\"", G::kHeight, "\" viewBox=\"0 0 ", G::kWidth, " ",
      G::kHeight, "\">\n<title>", XmlEscape(text.title), "</title>\n",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
  absl::StrAppend(&svg, Text(G::kWidth / 2, 28, "middle", 18, text.title,
                             " font-weight=\"bold\""));
  absl::StrAppend(&svg, Text(G::kWidth / 2, 48, "middle", 12, text.subtitle,
                             " fill=\"#57606a\""));

  // Grid and ticks: y every `step`, x at every integer W.
  const double step = TickStep(g.max_y());
  for (double s = 0; s <= g.max_y() + 1e-9; s += step) {
    absl::StrAppend(&svg, Line(x0, g.Y(s), x1, g.Y(s), "stroke=\"#eaeef2\""));
    absl::StrAppend(&svg, Text(x0 - 8, g.Y(s) + 4, "end", 12,
                               absl::StrFormat("%g", s)));
  }
  for (int w = 1; w <= static_cast<int>(g.max_w()); ++w) {
    absl::StrAppend(&svg, Line(g.X(w), y0, g.X(w), y0 + 5, "stroke=\"#24292f\""));
    absl::StrAppend(&svg, Text(g.X(w), y0 + 20, "middle", 12, absl::StrCat(w)));
  }
  absl::StrAppend(&svg, Line(x0, y0, x1, y0, "stroke=\"#24292f\""));
  absl::StrAppend(&svg, Line(x0, y0, x0, y1, "stroke=\"#24292f\""));
  absl::StrAppend(&svg, Text((x0 + x1) / 2, G::kHeight - 18, "middle", 14,
                             "workers (W)"));
  absl::StrAppend(
      &svg, absl::StrCat("<text transform=\"translate(22 ", Num((y0 + y1) / 2),
                         ") rotate(-90)\" text-anchor=\"middle\" "
                         "font-size=\"14\" ",
                         kFont, ">speedup T(1) / T(W)</text>\n"));

  // W = cores, and the ideal speedup = W.
  absl::StrAppend(&svg, Line(g.X(cores), y0, g.X(cores), y1,
                             absl::StrCat("stroke=\"", kCores,
                                          "\" stroke-dasharray=\"2 4\"")));
  absl::StrAppend(&svg, Text(g.X(cores) + 6, y1 + 14, "start", 12,
                             absl::StrCat("W = cores = ", cores),
                             absl::StrCat(" fill=\"", kCores, "\"")));
  const double ideal_end = std::min(g.max_w(), g.max_y());
  absl::StrAppend(&svg, Line(g.X(0), g.Y(0), g.X(ideal_end), g.Y(ideal_end),
                             absl::StrCat("stroke=\"", kIdeal,
                                          "\" stroke-width=\"1.5\" "
                                          "stroke-dasharray=\"6 4\"")));

  // The measurements: the whole run, and the tasks phase when known.
  const bool phase = std::any_of(points.begin(), points.end(),
                                 [](const ScalingPoint& p) { return p.tasks_speedup > 0; });
  absl::StrAppend(&svg, Series(g, points, &ScalingPoint::speedup,
                               &ScalingPoint::efficiency, kMeasured, phase ? 18 : -10,
                               "whole run"));
  if (phase) {
    absl::StrAppend(&svg, Series(g, points, &ScalingPoint::tasks_speedup,
                                 &ScalingPoint::tasks_efficiency, kPhase, -10,
                                 "tasks phase"));
  }

  // Legend, top left inside the plot.
  struct Entry {
    const char* color;
    const char* style;
    const char* label;
  };
  std::vector<Entry> legend = {{kMeasured, " stroke-width=\"2.5\"", "whole run"}};
  if (phase) legend.push_back({kPhase, " stroke-width=\"2.5\"", "tasks phase"});
  legend.push_back({kIdeal, " stroke-dasharray=\"6 4\"", "ideal (speedup = W)"});
  const double lx = x0 + 16, ly = y1 + 8;
  absl::StrAppend(&svg, "<rect x=\"", Num(lx - 8), "\" y=\"", Num(ly - 4),
                  "\" width=\"190\" height=\"", Num(20.0 * legend.size() + 6),
                  "\" fill=\"white\" stroke=\"#d0d7de\"/>\n");
  for (size_t i = 0; i < legend.size(); ++i) {
    const double y = ly + 10 + 20.0 * static_cast<double>(i);
    absl::StrAppend(&svg, Line(lx, y, lx + 26, y,
                               absl::StrCat("stroke=\"", legend[i].color, "\"",
                                            legend[i].style)));
    absl::StrAppend(&svg, Text(lx + 34, y + 4, "start", 12, legend[i].label));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace taskfarm::bench
