// mandelbrot: one square tile of a fixed picture of the Mandelbrot set.
//
// The picture is the view [-2.5, 1] x [-1.75, 1.75] of the complex plane at
// kViewPixels x kViewPixels pixels; pixel (px, py), counted from the top
// left, samples its centre c = (-2.5 + (px + 1/2) s) + (1.75 - (py + 1/2) s) i
// with s = 3.5 / kViewPixels. Tile (X, Y) of size SIZE holds the pixels
// px in [X SIZE, (X + 1) SIZE) and py in [Y SIZE, (Y + 1) SIZE), so the
// tiles of one SIZE cover the picture exactly once.
//
// Each pixel iterates z -> z^2 + c from z = 0 at most ITER times. If some
// |z_n| > 2 it escapes, and its escape count is the first such n; otherwise
// it is inside and counts ITER. The result is "inside=K iterations=T": K
// pixels inside, and T the sum of all counts (the iterations done). Every pixel
// centre is exact in binary and the arithmetic is plain IEEE double, so results
// are the same on every machine, and a tile and its mirror image across the
// real axis agree.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

constexpr uint64_t kViewPixels = 4096;
constexpr double kLeft = -2.5;
constexpr double kTop = 1.75;
constexpr double kPixelStep = 3.5 / kViewPixels;
constexpr uint64_t kMaxIter = 1'000'000;

// Whether c is in the main cardioid or the period-2 bulb, which are inside
// the set: skipping their iterations changes no result, only the time.
bool InKnownInterior(double cx, double cy) {
  const double q = (cx - 0.25) * (cx - 0.25) + cy * cy;
  if (q * (q + (cx - 0.25)) <= 0.25 * cy * cy) return true;
  return (cx + 1) * (cx + 1) + cy * cy <= 0.0625;
}

// The escape count of c (see the header comment), or 0 if it is inside.
uint64_t EscapeCount(double cx, double cy, uint64_t max_iter) {
  if (InKnownInterior(cx, cy)) return 0;
  double x = 0, y = 0, x2 = 0, y2 = 0;
  for (uint64_t n = 1; n <= max_iter; ++n) {
    y = 2 * x * y + cy;
    x = x2 - y2 + cx;
    x2 = x * x;
    y2 = y * y;
    if (x2 + y2 > 4) return n;
  }
  return 0;
}

absl::Status Mandelbrot(const Call& call, std::string* result) {
  const uint64_t tile_x = call.Uint(0);
  const uint64_t tile_y = call.Uint(1);
  const uint64_t size = call.Uint(2);
  const uint64_t max_iter = call.Uint(3);
  if (size == 0 || size > kViewPixels) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mandelbrot: SIZE must be in [1, ", kViewPixels, "], got ", size));
  }
  const uint64_t tiles = kViewPixels / size;  // whole tiles per row
  if (tile_x >= tiles || tile_y >= tiles) {
    return absl::InvalidArgumentError(
        absl::StrCat("mandelbrot: tile (", tile_x, ", ", tile_y,
                     ") is outside the picture: X and Y must be < ", tiles,
                     " for SIZE ", size));
  }
  if (max_iter == 0 || max_iter > kMaxIter) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mandelbrot: ITER must be in [1, ", kMaxIter, "], got ", max_iter));
  }
  uint64_t inside = 0;
  uint64_t iterations = 0;
  for (uint64_t py = tile_y * size; py < (tile_y + 1) * size; ++py) {
    const double cy = kTop - (static_cast<double>(py) + 0.5) * kPixelStep;
    for (uint64_t px = tile_x * size; px < (tile_x + 1) * size; ++px) {
      const double cx = kLeft + (static_cast<double>(px) + 0.5) * kPixelStep;
      const uint64_t count = EscapeCount(cx, cy, max_iter);
      iterations += count == 0 ? max_iter : count;
      inside += count == 0 ? 1 : 0;
    }
  }
  absl::StrAppend(result, "inside=", inside, " iterations=", iterations);
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(mandelbrot, "uint uint uint uint",
              "X Y SIZE ITER: \"inside=K iterations=T\" for tile (X, Y) of a "
              "4096^2-pixel Mandelbrot picture",
              &Mandelbrot);

}  // namespace taskfarm::tasks
