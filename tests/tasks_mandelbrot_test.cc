// Tests of the mandelbrot task kind. Expected results come from a plain
// Python rendering of the documented convention (no interior shortcut), so
// they also check that the cardioid and bulb shortcut changes nothing.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectReproducible;
using testutil::ExpectResults;
using testutil::RunTask;

TEST(Mandelbrot, KnownTiles) {
  ExpectResults(
      "mandelbrot",
      {
          // Around c = -0.2 - 0.03i, inside the main cardioid.
          {{"42", "32", "64", "100"}, "inside=4096 iterations=409600"},
          // The top left corner: every |c| > 2 escapes at the first step.
          {{"0", "0", "256", "100"}, "inside=0 iterations=65536"},
          // Across the boundary: near the pinch at c = -0.75 ...
          {{"64", "60", "32", "500"}, "inside=826 iterations=437737"},
          // ... and in the seahorse valley near c = -0.1 + 0.65i.
          {{"87", "40", "32", "300"}, "inside=966 iterations=296210"},
          {{"3", "2", "512", "50"}, "inside=0 iterations=1113064"},
      });
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
  ExpectReproducible("mandelbrot", {"87", "40", "32", "300"},
                     {"87", "41", "32", "300"});
}

TEST(Mandelbrot, RejectsBadArguments) {
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  ExpectError("mandelbrot", {"0", "0", "0", "10"}, kInvalid,
              "mandelbrot: SIZE must be in [1, 4096], got 0");
  ExpectError("mandelbrot", {"0", "0", "4097", "10"}, kInvalid,
              "mandelbrot: SIZE must be in [1, 4096], got 4097");
  ExpectError("mandelbrot", {"16", "0", "256", "10"}, kInvalid,
              "mandelbrot: tile (16, 0) is outside the picture: X and Y must "
              "be < 16 for SIZE 256");
  ExpectError("mandelbrot", {"0", "16", "256", "10"}, kInvalid,
              "mandelbrot: tile (0, 16) is outside the picture: X and Y must "
              "be < 16 for SIZE 256");
  ExpectError("mandelbrot", {"0", "0", "16", "0"}, kInvalid,
              "mandelbrot: ITER must be in [1, 1000000], got 0");
}

}  // namespace
}  // namespace taskfarm
