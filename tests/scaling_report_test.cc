// The CSV, table and SVG writers of //bench:scaling: well-formed output, and
// every number where it belongs.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/scale/percentiles.h"
#include "bench/scale/scaling_point.h"
#include "bench/scale/svg_chart.h"
#include "bench/scale/table_writer.h"
#include "gtest/gtest.h"

namespace taskfarm::bench {
namespace {

std::vector<ScalingPoint> Sample() {
  return Derive({{1, 4.0, 200, 3.9, 3.8}, {2, 2.05, 200, 4.0, 1.9},
                 {3, 2.1, 200, 4.1, 1.95}, {4, 2.2, 200, 4.2, 2.0}});
}

// Every <tag> closed in order, no stray '<' or '&' outside markup.
::testing::AssertionResult WellFormed(const std::string& xml) {
  std::vector<std::string> open;
  size_t i = 0;
  while ((i = xml.find('<', i)) != std::string::npos) {
    const size_t end = xml.find('>', i);
    if (end == std::string::npos) return ::testing::AssertionFailure() << "unclosed <";
    const std::string tag = xml.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) {
      return ::testing::AssertionFailure() << "'<' inside a tag at " << i;
    }
    if (tag[0] == '?' || tag.back() == '/') {
      // declaration or empty element
    } else if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) {
        return ::testing::AssertionFailure() << "mismatched </" << tag.substr(1) << ">";
      }
      open.pop_back();
    } else {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    i = end + 1;
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> not closed";
  for (size_t a = 0; (a = xml.find('&', a)) != std::string::npos; ++a) {
    const std::string rest = xml.substr(a, 6);
    if (rest.rfind("&amp;", 0) && rest.rfind("&lt;", 0) && rest.rfind("&gt;", 0) &&
        rest.rfind("&quot;", 0) && rest.rfind("&apos;", 0)) {
      return ::testing::AssertionFailure() << "bare & at " << a;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(ScalingPoint, DerivesAgainstOneWorker) {
  std::vector<ScalingPoint> p = Sample();
  EXPECT_DOUBLE_EQ(p[0].speedup, 1.0);
  EXPECT_DOUBLE_EQ(p[0].tasks_per_s, 50.0);
  EXPECT_NEAR(p[1].speedup, 4.0 / 2.05, 1e-12);
  EXPECT_NEAR(p[1].efficiency, 4.0 / 2.05 / 2, 1e-12);
  EXPECT_NEAR(p[3].efficiency, 4.0 / 2.2 / 4, 1e-12);
}

TEST(ScalingPoint, DerivesTheTasksPhaseApart) {
  std::vector<ScalingPoint> p = Sample();
  EXPECT_DOUBLE_EQ(p[0].tasks_speedup, 1.0);
  EXPECT_DOUBLE_EQ(p[1].tasks_speedup, 2.0);
  EXPECT_DOUBLE_EQ(p[1].tasks_efficiency, 1.0);
  EXPECT_NEAR(p[3].tasks_efficiency, 3.8 / 2.0 / 4, 1e-12);
  // Unknown tasks phase (an older master): zeros, not a division by zero.
  std::vector<ScalingPoint> q = Derive({{1, 2.0, 10, 0}, {2, 1.0, 10, 0, 0.5}});
  EXPECT_EQ(q[1].tasks_speedup, 0);
  EXPECT_DOUBLE_EQ(q[1].speedup, 2.0);
}

TEST(ScalingPoint, NoBaselineMeansNoSpeedup) {
  std::vector<ScalingPoint> p = Derive({{2, 1.0, 10, 0}});
  EXPECT_EQ(p[0].speedup, 0);
  EXPECT_EQ(p[0].efficiency, 0);
  EXPECT_DOUBLE_EQ(p[0].tasks_per_s, 10.0);
}

TEST(TableWriter, CsvHasHeaderAndOneRowPerPoint) {
  const std::string csv = FormatCsv(Sample());
  std::vector<std::string> lines = absl::StrSplit(csv, '\n');
  ASSERT_EQ(lines.size(), 6u);  // header, 4 rows, "" after the last \n
  EXPECT_EQ(lines[0],
            "workers,wall_s,tasks,tasks_per_s,speedup,efficiency,cpu_s,"
            "tasks_phase_s,tasks_phase_speedup,tasks_phase_efficiency");
  EXPECT_EQ(lines[1], "1,4.000000,200,50.000,1.0000,1.0000,3.900,3.800000,1.0000,1.0000");
  EXPECT_EQ(lines[2], "2,2.050000,200,97.561,1.9512,0.9756,4.000,1.900000,2.0000,1.0000");
  EXPECT_EQ(lines[5], "");
  for (size_t i = 1; i < 5; ++i) {
    SCOPED_TRACE(lines[i]);
    EXPECT_EQ(std::vector<std::string>(absl::StrSplit(lines[i], ',')).size(), 10u);
  }
}

TEST(TableWriter, TableAlignsColumns) {
  const std::string table = FormatTable(Sample());
  std::vector<std::string> lines = absl::StrSplit(table, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u);  // two header lines, four rows
  for (const std::string& line : lines) EXPECT_EQ(line.size(), lines[0].size()) << line;
  EXPECT_NE(lines[3].find("1.951"), std::string::npos);
  EXPECT_NE(lines[3].find("0.976"), std::string::npos);
  EXPECT_NE(lines[3].find("2.000"), std::string::npos);  // tasks phase
}

TEST(SvgChart, IsWellFormed) {
  const std::string svg = SpeedupSvg(Sample(), 2, {"t <&> \"x\"", "s"});
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("t &lt;&amp;&gt; &quot;x&quot;"), std::string::npos);
}

TEST(SvgChart, PlacesEveryPointOnItsCoordinates) {
  const std::vector<ScalingPoint> points = Sample();
  const std::string svg = SpeedupSvg(points, 2, {"title", "subtitle"});
  const ChartGeometry g = ChartGeometry::For(points, 2);
  EXPECT_EQ(g.max_w(), 4);
  EXPECT_EQ(g.max_y(), 4);  // speedups < 2, ideal line up to W = 4
  for (const ScalingPoint& p : points) {
    SCOPED_TRACE(p.m.workers);
    const std::string circle = absl::StrFormat(
        "<circle cx=\"%.1f\" cy=\"%.1f\"", g.X(p.m.workers), g.Y(p.speedup));
    EXPECT_NE(svg.find(circle), std::string::npos) << circle;
    EXPECT_NE(svg.find(absl::StrFormat(">%.2f</text>", p.speedup)), std::string::npos);
    const std::string phase = absl::StrFormat(
        "<circle cx=\"%.1f\" cy=\"%.1f\"", g.X(p.m.workers), g.Y(p.tasks_speedup));
    EXPECT_NE(svg.find(phase), std::string::npos) << phase;
  }
  EXPECT_NE(svg.find(">tasks phase<"), std::string::npos);
  // Axes: W = 0 at the left edge of the plot, speedup 0 at its bottom.
  EXPECT_DOUBLE_EQ(g.X(0), ChartGeometry::kLeft);
  EXPECT_DOUBLE_EQ(g.Y(0), ChartGeometry::kHeight - ChartGeometry::kBottom);
  EXPECT_DOUBLE_EQ(g.Y(g.max_y()), ChartGeometry::kTop);
  EXPECT_DOUBLE_EQ(g.X(4), ChartGeometry::kWidth - ChartGeometry::kRight);
  // The marker at W = cores, and the ideal line from (0, 0) to (4, 4).
  EXPECT_NE(svg.find(absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\"",
                                     g.X(2), g.Y(0), g.X(2))),
            std::string::npos);
  EXPECT_NE(svg.find("W = cores = 2"), std::string::npos);
  EXPECT_NE(svg.find(absl::StrFormat("x2=\"%.1f\" y2=\"%.1f\"", g.X(4), g.Y(4))),
            std::string::npos);
  EXPECT_NE(svg.find(">workers (W)<"), std::string::npos);
  EXPECT_NE(svg.find(">speedup T(1) / T(W)<"), std::string::npos);
}

TEST(SvgChart, YAxisGrowsWithSuperlinearSpeedup) {
  const ChartGeometry g =
      ChartGeometry::For(Derive({{1, 10, 1, 0}, {2, 1, 1, 0}}), 2);  // 10x
  EXPECT_GE(g.max_y(), 10);
}

TEST(Percentile, NearestRank) {
  const std::vector<double> v = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
  EXPECT_EQ(Percentile(v, 50), 5);
  EXPECT_EQ(Percentile(v, 99), 10);
  EXPECT_EQ(Percentile(v, 100), 10);
  EXPECT_EQ(Percentile(v, 1), 1);
  EXPECT_EQ(Percentile({}, 50), 0);
}

}  // namespace
}  // namespace taskfarm::bench
