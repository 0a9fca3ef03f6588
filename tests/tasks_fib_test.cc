// Tests of the fib task kind against independently known values: the 64-bit
// table's edges, the first GMP value, fib(1000) in full, and the size and
// last digits of fib(100000) (checked against fibmod, a different algorithm).

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tasks/library/fib.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectResults;
using testutil::RunTask;

TEST(Fib, KnownValues) {
  ExpectResults("fib", {
                           {{"0"}, "0"},
                           {{"1"}, "1"},
                           {{"2"}, "1"},
                           {{"20"}, "6765"},
                           {{"90"}, "2880067194370816120"},
                           // The largest that fits in 64 bits.
                           {{"93"}, "12200160415121876738"},
                           // The first one from GMP.
                           {{"94"}, "19740274219868223167"},
                       });
}

TEST(Fib, Thousand) {
  absl::StatusOr<std::string> r = RunTask("fib", {"1000"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->size(), 209u);
  EXPECT_EQ(*r,
            "434665576869374564356885276750406258025646605173717804024817290895"
            "365554179490518904038798400792551692959225930803226347752096896232"
            "398733224711616429964409065331879382989696499285160037044761377951"
            "66849228875");
}

TEST(Fib, HundredThousandMatchesFibMod) {
  absl::StatusOr<std::string> r = RunTask("fib", {"100000"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->size(), 20899u);
  EXPECT_TRUE(absl::StartsWith(*r, "2597406934722172416615503402127591541488"));
  absl::StatusOr<std::string> tail =
      RunTask("fibmod", {"100000", "1000000000000000000"});
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_EQ(*tail, "895374653428746875");
  EXPECT_TRUE(absl::EndsWith(*r, *tail)) << r->substr(r->size() - 18);
}

TEST(Fib, RejectsNegative) {
  ExpectError("fib", {"-1"}, absl::StatusCode::kInvalidArgument,
              "fib: n must be >= 0, got -1");
}

TEST(Fib, RejectsAboveMax) {
  ExpectError("fib", {absl::StrCat(tasks::kFibMaxN + 1)},
              absl::StatusCode::kInvalidArgument,
              absl::StrCat("fib: n must be <= ", tasks::kFibMaxN, ", got ",
                           tasks::kFibMaxN + 1));
}

}  // namespace
}  // namespace taskfarm
