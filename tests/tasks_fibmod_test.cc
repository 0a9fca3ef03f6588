// Tests of the fibmod task kind against values computed independently (by
// 2x2 matrix powers in Python's big integers, and from fib's exact values).

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectResults;

TEST(FibMod, KnownValues) {
  ExpectResults("fibmod",
                {
                    {{"0", "7"}, "0"},
                    {{"1", "7"}, "1"},
                    {{"10", "7"}, "6"},  // fib(10) = 55
                    {{"10", "1"}, "0"},
                    {{"90", "18446744073709551615"}, "2880067194370816120"},
                    {{"93", "18446744073709551615"}, "12200160415121876738"},
                    {{"60000", "10"}, "0"},  // the Pisano period of 10 is 60
                    {{"1000000000000000000", "1000000007"}, "209783453"},
                    {{"12345678901234567890", "1000000007"}, "147871921"},
                    {{"1000000000000000000", "9223372036854775809"},
                     "5950774594372304463"},
                    {{"18446744073709551615", "18446744073709551615"},
                     "4093298358055684510"},
                    {{"18446744073709551615", "18446744073709551557"},
                     "18446743708274255395"},
                });
}

TEST(FibMod, RejectsZeroModulus) {
  ExpectError("fibmod", {"10", "0"}, absl::StatusCode::kInvalidArgument,
              "fibmod: M must be >= 1");
}

}  // namespace
}  // namespace taskfarm
