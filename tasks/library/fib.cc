#include "tasks/library/fib.h"

#include <gmp.h>

#include <array>
#include <charconv>

#include "absl/strings/str_cat.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

constexpr std::array<uint64_t, kFibMaxU64 + 1> kSmallFibs = [] {
  std::array<uint64_t, kFibMaxU64 + 1> f{};
  f[1] = 1;
  for (size_t i = 2; i < f.size(); ++i) f[i] = f[i - 1] + f[i - 2];
  return f;
}();

absl::Status Fib(const Call& call, std::string* result) {
  return AppendFib(call.Int(0), result);
}

}  // namespace

absl::Status AppendFib(int64_t n, std::string* out) {
  if (n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("fib: n must be >= 0, got ", n));
  }
  if (n > kFibMaxN) {
    return absl::InvalidArgumentError(
        absl::StrCat("fib: n must be <= ", kFibMaxN, ", got ", n));
  }
  if (n <= kFibMaxU64) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof(digits),
                                   kSmallFibs[static_cast<size_t>(n)]);
    out->append(digits, end);
    return absl::OkStatus();
  }
  mpz_t f;
  mpz_init(f);
  mpz_fib_ui(f, static_cast<unsigned long>(n));
  size_t old_size = out->size();
  // mpz_sizeinbase may overstate by one; it never understates.
  out->resize(old_size + mpz_sizeinbase(f, 10) + 1);
  mpz_get_str(out->data() + old_size, 10, f);
  out->resize(old_size + std::char_traits<char>::length(out->data() + old_size));
  mpz_clear(f);
  return absl::OkStatus();
}

TASKFARM_TASK(fib, "int",
              "N: the N-th Fibonacci number, exact, for 0 <= N <= 10^8 "
              "(fib 0 = 0)",
              &Fib);

}  // namespace taskfarm::tasks
