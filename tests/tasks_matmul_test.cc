// Tests of the matmul task kind: checksums computed independently (Python,
// from the documented fill), a naive i-j-k reference product, an algebraic
// identity for the sum of a product, and reproducibility.

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tasks/library/splitmix64.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectReproducible;
using testutil::ExpectResults;
using testutil::RunTask;

// A and B as matmul documents: A then B, row by row, uniform in [-1, 1).
struct Inputs {
  std::vector<double> a, b;
};

Inputs MakeInputs(size_t n, uint64_t seed) {
  tasks::SplitMix64 random(seed);
  Inputs in{std::vector<double>(n * n), std::vector<double>(n * n)};
  for (double& x : in.a) x = random.NextUnit() * 2 - 1;
  for (double& x : in.b) x = random.NextUnit() * 2 - 1;
  return in;
}

double Checksum(size_t n, uint64_t seed) {
  absl::StatusOr<std::string> r =
      RunTask("matmul", {absl::StrCat(n), absl::StrCat(seed)});
  EXPECT_TRUE(r.ok()) << r.status();
  double sum = NAN;
  EXPECT_TRUE(r.ok() && absl::SimpleAtod(*r, &sum)) << r.value_or("");
  return sum;
}

TEST(MatMul, KnownChecksums) {
  ExpectResults("matmul", {
                              {{"1", "0"}, "-0.1049842352"},
                              {{"2", "1"}, "0.7499872066"},
                              {{"3", "1"}, "0.6694465007"},
                              {{"17", "5"}, "-4.27473592"},
                              {{"64", "42"}, "-38.51118774"},
                              {{"100", "2024"}, "-256.1133754"},
                          });
}

TEST(MatMul, MatchesNaiveProduct) {
  for (size_t n : {1, 2, 5, 16, 33}) {
    SCOPED_TRACE(absl::StrCat("n = ", n));
    const Inputs in = MakeInputs(n, 77);
    double want = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        double c_ij = 0;
        for (size_t k = 0; k < n; ++k)
          c_ij += in.a[i * n + k] * in.b[k * n + j];
        want += c_ij;
      }
    }
    EXPECT_NEAR(Checksum(n, 77), want, 1e-9 * (1 + std::fabs(want)));
  }
}

TEST(MatMul, SumEqualsColumnSumsTimesRowSums) {
  // sum_ij (AB)_ij = sum_k (sum_i A_ik) (sum_j B_kj).
  const size_t n = 300;
  const Inputs in = MakeInputs(n, 5);
  double want = 0;
  for (size_t k = 0; k < n; ++k) {
    double column_a = 0, row_b = 0;
    for (size_t i = 0; i < n; ++i) column_a += in.a[i * n + k];
    for (size_t j = 0; j < n; ++j) row_b += in.b[k * n + j];
    want += column_a * row_b;
  }
  EXPECT_NEAR(Checksum(n, 5), want, 1e-8 * (1 + std::fabs(want)));
}

TEST(MatMul, SameSeedSameChecksum) {
  ExpectReproducible("matmul", {"50", "9"}, {"50", "10"});
}

TEST(MatMul, RejectsSizeOutOfRange) {
  for (const char* n : {"0", "2049"}) {
    ExpectError("matmul", {n, "1"}, absl::StatusCode::kInvalidArgument,
                absl::StrCat("matmul: N must be in [1, 2048], got ", n));
  }
}

}  // namespace
}  // namespace taskfarm
