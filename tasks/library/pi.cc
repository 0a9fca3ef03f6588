// pi: a Monte Carlo estimate of pi from SAMPLES random points of the unit
// square, seeded by SEED, written with 8 decimals ("3.14159265").
//
// Each point is one SplitMix64 draw: its high 32 bits are x and its low 32
// bits are y, both in [0, 2^32). The point is inside the quarter disc when
// x^2 + y^2 < 2^64, which is exactly when that 64-bit sum does not
// overflow. Integer arithmetic throughout makes the estimate identical on
// every machine: the same SAMPLES and SEED always give the same text.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "tasks/library/splitmix64.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

uint64_t CountInside(uint64_t samples, uint64_t seed) {
  SplitMix64 random(seed);
  uint64_t inside = 0;
  for (uint64_t i = 0; i < samples; ++i) {
    const uint64_t bits = random.Next();
    const uint64_t x = bits >> 32;
    const uint64_t y = bits & 0xffffffff;
    uint64_t sum;
    inside += __builtin_add_overflow(x * x, y * y, &sum) ? 0 : 1;
  }
  return inside;
}

absl::Status Pi(const Call& call, std::string* result) {
  const uint64_t samples = call.Uint(0);
  if (samples == 0) {
    return absl::InvalidArgumentError("pi: SAMPLES must be >= 1");
  }
  const uint64_t inside = CountInside(samples, call.Uint(1));
  absl::StrAppendFormat(
      result, "%.8f",
      4.0 * static_cast<double>(inside) / static_cast<double>(samples));
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(pi, "uint uint",
              "SAMPLES SEED: pi from SAMPLES random points seeded by SEED, to 8 "
              "decimals (Monte Carlo)",
              &Pi);

}  // namespace taskfarm::tasks
