// collatz: how many steps of n -> n / 2 (n even), n -> 3n + 1 (n odd) take
// N to 1. N is decimal text of any size up to kMaxDigits digits, so the
// count is exact for inputs beyond 64 bits.
//
// The walk runs on uint64_t while it can: runs of even steps go in one shift
// (count trailing zeros), and 3n + 1 is checked for overflow. A value that
// does not fit moves to GMP, and comes back to the fast path as soon as it
// fits again.

#include <gmpxx.h>

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

// Inputs longer than this are refused (their walk takes minutes).
constexpr size_t kMaxDigits = 10'000;

// Walks `big` (>= 1) until it fits in 64 bits; returns that value and adds
// the steps taken to `steps`.
uint64_t WalkBig(mpz_class* big, uint64_t* steps) {
  mpz_ptr z = big->get_mpz_t();
  while (!mpz_fits_ulong_p(z)) {
    if (mpz_even_p(z)) {
      mp_bitcnt_t zeros = mpz_scan1(z, 0);
      mpz_fdiv_q_2exp(z, z, zeros);
      *steps += zeros;
    } else {
      mpz_mul_ui(z, z, 3);
      mpz_add_ui(z, z, 1);
      ++*steps;
    }
  }
  return mpz_get_ui(z);
}

// The number of steps from n >= 1 to 1.
uint64_t CollatzSteps(mpz_class n) {
  uint64_t steps = 0;
  uint64_t small = WalkBig(&n, &steps);
  while (small != 1) {
    if (small % 2 == 0) {
      int zeros = __builtin_ctzll(small);
      small >>= zeros;
      steps += static_cast<uint64_t>(zeros);
      continue;
    }
    uint64_t next;
    if (__builtin_mul_overflow(small, uint64_t{3}, &next) ||
        __builtin_add_overflow(next, uint64_t{1}, &next)) {
      n = small;
      n = 3 * n + 1;  // > 2^64 - 1
      ++steps;
      small = WalkBig(&n, &steps);
      continue;
    }
    small = next;
    ++steps;
  }
  return steps;
}

absl::Status Collatz(const Call& call, std::string* result) {
  absl::string_view text = call.Str(0);
  if (text.size() > kMaxDigits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "collatz: N has ", text.size(), " digits, the limit is ", kMaxDigits));
  }
  bool digits = !text.empty();
  for (char c : text) digits = digits && absl::ascii_isdigit(c);
  if (!digits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "collatz: N must be a decimal integer, got \"", text, "\""));
  }
  mpz_class n(std::string(text), 10);  // digits only: cannot fail
  if (n == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("collatz: N must be >= 1, got ", text));
  }
  absl::StrAppend(result, CollatzSteps(std::move(n)));
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(collatz, "str",
              "N: the number of Collatz steps from N >= 1 to 1, for decimal N "
              "of up to 10000 digits",
              &Collatz);

}  // namespace taskfarm::tasks
