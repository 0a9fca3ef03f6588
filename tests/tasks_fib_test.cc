// Tests of the fib task kind against independently known values: the 64-bit
// table's edges, the first GMP value, fib(1000) in full, and the size and
// last digits of fib(100000) (checked against fibmod, a different algorithm).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tasks/library/fib.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::RunTask;

TEST(Fib, KnownValues) {
  struct Case {
    std::string n, want;
  };
  const std::vector<Case> cases = {
      {"0", "0"},
      {"1", "1"},
      {"2", "1"},
      {"20", "6765"},
      {"90", "2880067194370816120"},
      {"93", "12200160415121876738"},  // the largest that fits in 64 bits
      {"94", "19740274219868223167"},  // the first one from GMP
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("fib " + c.n);
    absl::StatusOr<std::string> r = RunTask("fib", {c.n});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, c.want);
  }
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
  absl::StatusOr<std::string> r = RunTask("fib", {"-1"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "fib: n must be >= 0, got -1");
}

TEST(Fib, RejectsAboveMax) {
  absl::StatusOr<std::string> r =
      RunTask("fib", {absl::StrCat(tasks::kFibMaxN + 1)});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "fib: n must be <="))
      << r.status();
}

}  // namespace
}  // namespace taskfarm
