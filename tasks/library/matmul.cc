// matmul: multiplies two N x N matrices of doubles and returns a checksum of
// the product, the sum of its entries written with "%.10g".
//
// A and then B are filled row by row with SplitMix64(SEED).NextUnit() * 2 - 1
// (uniform in [-1, 1)). The product loops i-k-j, so the inner loop streams
// one row of B into one row of C; every sum runs in a fixed order, so the
// same N and SEED give the same checksum on every machine.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tasks/library/splitmix64.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

// 3 x 2048^2 doubles are 96 MiB and 2 x 2048^3 flops take seconds.
constexpr uint64_t kMaxN = 2048;

// Row-major n x n, filled from `random` as the header comment says.
std::vector<double> RandomMatrix(size_t n, SplitMix64* random) {
  std::vector<double> m(n * n);
  for (double& x : m) x = random->NextUnit() * 2 - 1;
  return m;
}

// C = A * B for row-major n x n matrices.
std::vector<double> Multiply(const std::vector<double>& a,
                             const std::vector<double>& b, size_t n) {
  std::vector<double> c(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    double* c_row = &c[i * n];
    for (size_t k = 0; k < n; ++k) {
      const double a_ik = a[i * n + k];
      const double* b_row = &b[k * n];
      for (size_t j = 0; j < n; ++j) c_row[j] += a_ik * b_row[j];
    }
  }
  return c;
}

absl::Status MatMul(const Call& call, std::string* result) {
  const uint64_t n64 = call.Uint(0);
  if (n64 == 0 || n64 > kMaxN) {
    return absl::InvalidArgumentError(
        absl::StrCat("matmul: N must be in [1, ", kMaxN, "], got ", n64));
  }
  const auto n = static_cast<size_t>(n64);
  SplitMix64 random(call.Uint(1));
  const std::vector<double> a = RandomMatrix(n, &random);
  const std::vector<double> b = RandomMatrix(n, &random);
  double sum = 0;
  for (double x : Multiply(a, b, n)) sum += x;
  absl::StrAppendFormat(result, "%.10g", sum);
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(matmul, "uint uint",
              "N SEED: the sum of the entries of A*B for N x N matrices "
              "filled from SEED, as %.10g (N <= 2048)",
              &MatMul);

}  // namespace taskfarm::tasks
