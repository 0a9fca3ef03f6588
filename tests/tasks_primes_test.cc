// Tests of the primes task kind against known values of the prime-counting
// function pi(N), including the edges of the sieve's segments.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::RunTask;

TEST(Primes, KnownCounts) {
  struct Case {
    std::string n, want;
  };
  const std::vector<Case> cases = {
      {"0", "0"},           {"1", "0"},
      {"2", "1"},           {"3", "2"},
      {"4", "2"},           {"10", "4"},
      {"100", "25"},        {"1000", "168"},
      {"65536", "6542"},    {"65537", "6543"},
      {"131071", "12251"},  {"131072", "12251"},
      {"1000000", "78498"}, {"10000000", "664579"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("primes " + c.n);
    absl::StatusOr<std::string> r = RunTask("primes", {c.n});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, c.want);
  }
}

TEST(Primes, RejectsTooLarge) {
  absl::StatusOr<std::string> r = RunTask("primes", {"1000000000001"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "primes: N must be <= 1000000000000, got 1000000000001");
}

}  // namespace
}  // namespace taskfarm
