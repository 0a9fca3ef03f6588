// Tests of the primes task kind against known values of the prime-counting
// function pi(N), including the edges of the sieve's segments (each covers
// 2^16 numbers: 65537 is the last number of the first).

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectResults;

TEST(Primes, KnownCounts) {
  ExpectResults("primes", {
                              {{"0"}, "0"},
                              {{"1"}, "0"},
                              {{"2"}, "1"},
                              {{"3"}, "2"},
                              {{"4"}, "2"},
                              {{"10"}, "4"},
                              {{"100"}, "25"},
                              {{"1000"}, "168"},
                              {{"65536"}, "6542"},
                              {{"65537"}, "6543"},
                              {{"131071"}, "12251"},
                              {{"131072"}, "12251"},
                              {{"1000000"}, "78498"},
                              {{"10000000"}, "664579"},
                          });
}

TEST(Primes, RejectsTooLarge) {
  ExpectError("primes", {"1000000000001"}, absl::StatusCode::kInvalidArgument,
              "primes: N must be <= 1000000000000, got 1000000000001");
}

}  // namespace
}  // namespace taskfarm
