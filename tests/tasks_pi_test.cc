// Tests of the pi task kind: exact values computed independently (Python,
// from the documented SplitMix64 convention), reproducibility, and accuracy.

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::RunTask;

TEST(Pi, KnownEstimates) {
  struct Case {
    std::string samples, seed, want;
  };
  const std::vector<Case> cases = {
      {"1", "1", "4.00000000"},
      {"1000", "42", "3.18000000"},   // 795 of 1000 inside
      {"100000", "7", "3.13880000"},  // 78470 of 100000 inside
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("pi " + c.samples + " " + c.seed);
    absl::StatusOr<std::string> r = RunTask("pi", {c.samples, c.seed});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, c.want);
  }
}

TEST(Pi, SameSeedSameEstimate) {
  absl::StatusOr<std::string> first = RunTask("pi", {"200000", "12345"});
  absl::StatusOr<std::string> second = RunTask("pi", {"200000", "12345"});
  absl::StatusOr<std::string> other = RunTask("pi", {"200000", "12346"});
  ASSERT_TRUE(first.ok() && second.ok() && other.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_NE(*first, *other);
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
  absl::StatusOr<std::string> r = RunTask("pi", {"0", "1"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "pi: SAMPLES must be >= 1");
}

}  // namespace
}  // namespace taskfarm
