// Tests of the pi task kind: exact values computed independently (Python,
// from the documented SplitMix64 convention), reproducibility, and accuracy.

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectReproducible;
using testutil::ExpectResults;
using testutil::RunTask;

TEST(Pi, KnownEstimates) {
  ExpectResults("pi", {
                          {{"1", "1"}, "4.00000000"},
                          {{"1000", "42"}, "3.18000000"},   // 795 inside
                          {{"100000", "7"}, "3.13880000"},  // 78470 inside
                      });
}

TEST(Pi, SameSeedSameEstimate) {
  ExpectReproducible("pi", {"200000", "12345"}, {"200000", "12346"});
}

TEST(Pi, MillionSamplesAreWithinSixSigma) {
  // One standard deviation is 4 sqrt(p (1 - p) / n) ~ 0.0016 for n = 10^6.
  absl::StatusOr<std::string> r = RunTask("pi", {"1000000", "2024"});
  ASSERT_TRUE(r.ok()) << r.status();
  double estimate = 0;
  ASSERT_TRUE(absl::SimpleAtod(*r, &estimate)) << *r;
  EXPECT_NEAR(estimate, M_PI, 0.01);
}

TEST(Pi, RejectsZeroSamples) {
  ExpectError("pi", {"0", "1"}, absl::StatusCode::kInvalidArgument,
              "pi: SAMPLES must be >= 1");
}

}  // namespace
}  // namespace taskfarm
