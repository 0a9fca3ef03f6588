// Tests of the collatz task kind against step counts computed independently
// (Python's big integers), on both sides of every 64-bit overflow edge.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectResults;

TEST(Collatz, KnownStepCounts) {
  ExpectResults(
      "collatz",
      {
          {{"1"}, "0"},
          {{"2"}, "1"},
          {{"27"}, "111"},
          {{"97"}, "118"},
          {{"0097"}, "118"},
          {{"989345275647"}, "1348"},
          // 3n + 1 = 2^64 - 6 still fits; the next odd n is the first to
          // overflow, by exactly one.
          {{"6148914691236517203"}, "864"},
          {{"6148914691236517205"}, "65"},
          {{"18446744073709551615"}, "863"},             // 2^64 - 1
          {{"18446744073709551616"}, "64"},              // 2^64
          {{"18446744073709551617"}, "483"},             // 2^64 + 1
          {{"1267650600228229401496703205376"}, "100"},  // 2^100
          {{"12345678901234567890123456789"}, "546"},
          {{absl::StrCat("1", std::string(100, '0'))}, "1855"},  // 10^100
      });
}

TEST(Collatz, RejectsInvalidText) {
  for (const char* text : {"", "abc", "-5", "+5", "1.5", " 7", "7 ", "1e9"}) {
    ExpectError("collatz", {text}, absl::StatusCode::kInvalidArgument,
                absl::StrCat("collatz: N must be a decimal integer, got \"",
                             text, "\""));
  }
}

TEST(Collatz, RejectsZero) {
  ExpectError("collatz", {"000"}, absl::StatusCode::kInvalidArgument,
              "collatz: N must be >= 1, got 000");
}

TEST(Collatz, RejectsTooManyDigits) {
  ExpectError("collatz", {std::string(10001, '9')},
              absl::StatusCode::kInvalidArgument,
              "collatz: N has 10001 digits, the limit is 10000");
}

}  // namespace
}  // namespace taskfarm
