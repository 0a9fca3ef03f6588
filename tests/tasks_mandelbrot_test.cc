// Tests of the mandelbrot task kind. Expected results come from a plain
// Python rendering of the documented convention (no interior shortcut), so
// they also check that the cardioid and bulb shortcut changes nothing.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::RunTask;

TEST(Mandelbrot, KnownTiles) {
  struct Case {
    std::string x, y, size, iter, want;
  };
  const std::vector<Case> cases = {
      // Around c = -0.2 - 0.03i, inside the main cardioid.
      {"42", "32", "64", "100", "inside=4096 iterations=409600"},
      // The top left corner: every |c| > 2 escapes at the first step.
      {"0", "0", "256", "100", "inside=0 iterations=65536"},
      // Across the boundary: near the pinch at c = -0.75 ...
      {"64", "60", "32", "500", "inside=826 iterations=437737"},
      // ... and in the seahorse valley near c = -0.1 + 0.65i.
      {"87", "40", "32", "300", "inside=966 iterations=296210"},
      {"3", "2", "512", "50", "inside=0 iterations=1113064"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(
        absl::StrCat("mandelbrot ", c.x, " ", c.y, " ", c.size, " ", c.iter));
    absl::StatusOr<std::string> r =
        RunTask("mandelbrot", {c.x, c.y, c.size, c.iter});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, c.want);
  }
}

TEST(Mandelbrot, MirrorTileAcrossRealAxisAgrees) {
  // With SIZE 32 there are 128 tiles per column: row 40 mirrors row 87.
  absl::StatusOr<std::string> top =
      RunTask("mandelbrot", {"87", "40", "32", "300"});
  absl::StatusOr<std::string> bottom =
      RunTask("mandelbrot", {"87", "87", "32", "300"});
  ASSERT_TRUE(top.ok() && bottom.ok());
  EXPECT_EQ(*top, *bottom);
}

TEST(Mandelbrot, SameTileSameResult) {
  const std::vector<std::string> args = {"30", "30", "64", "200"};
  absl::StatusOr<std::string> first = RunTask("mandelbrot", args);
  absl::StatusOr<std::string> second = RunTask("mandelbrot", args);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
}

TEST(Mandelbrot, RejectsBadArguments) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"0", "0", "0", "10"}, "mandelbrot: SIZE must be in [1, 4096], got 0"},
      {{"0", "0", "4097", "10"},
       "mandelbrot: SIZE must be in [1, 4096], got 4097"},
      {{"16", "0", "256", "10"},
       "mandelbrot: tile (16, 0) is outside the picture: X and Y must be < "
       "16 for SIZE 256"},
      {{"0", "16", "256", "10"},
       "mandelbrot: tile (0, 16) is outside the picture: X and Y must be < "
       "16 for SIZE 256"},
      {{"0", "0", "16", "0"},
       "mandelbrot: ITER must be in [1, 1000000], got 0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    absl::StatusOr<std::string> r = RunTask("mandelbrot", c.args);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

}  // namespace
}  // namespace taskfarm
