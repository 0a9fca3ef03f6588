// factor: the prime factorisation of a 64-bit integer, written in ascending
// order with exponents, e.g. "2^2 * 3 * 5" for 60 and "1" for 1 (0 has no
// factorisation and is an error).
//
// Small factors go by trial division; what is left is split with Pollard's
// rho (Brent's cycle detection, gcds batched over kBatch steps) until every
// part passes a Miller-Rabin test that is deterministic below 2^64 with
// Sinclair's seven bases. All modular arithmetic is Montgomery
// multiplication on unsigned __int128 products, so no step divides.

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

using u128 = unsigned __int128;

// Trial division covers every factor below this; a cofactor below its
// square is then prime.
constexpr uint64_t kTrialLimit = 1000;
// Rho steps per gcd.
constexpr uint64_t kBatch = 128;

// Arithmetic modulo an odd n on numbers in Montgomery form (x * 2^64 mod n),
// each kept in [0, n).
class Montgomery {
 public:
  explicit Montgomery(uint64_t n) : n_(n), inv_(n) {
    for (int i = 0; i < 5; ++i) inv_ *= 2 - n * inv_;  // n * inv_ == 1 mod 2^64
    const uint64_t r = (0 - n) % n;                    // 2^64 mod n
    r2_ = static_cast<uint64_t>(static_cast<u128>(r) * r % n);
  }

  uint64_t To(uint64_t x) const { return Mul(x % n_, r2_); }
  uint64_t Mul(uint64_t a, uint64_t b) const {
    return Reduce(static_cast<u128>(a) * b);
  }
  uint64_t Add(uint64_t a, uint64_t b) const {
    return a >= n_ - b ? a - (n_ - b) : a + b;
  }
  uint64_t Pow(uint64_t base, uint64_t e) const {
    uint64_t result = To(1);
    for (; e > 0; e >>= 1, base = Mul(base, base)) {
      if (e & 1) result = Mul(result, base);
    }
    return result;
  }

 private:
  // t * 2^-64 mod n, for t < n * 2^64.
  uint64_t Reduce(u128 t) const {
    const uint64_t m = static_cast<uint64_t>(t) * inv_;
    const auto mn_high =
        static_cast<uint64_t>((static_cast<u128>(m) * n_) >> 64);
    const auto t_high = static_cast<uint64_t>(t >> 64);
    return t_high >= mn_high ? t_high - mn_high : t_high - mn_high + n_;
  }

  uint64_t n_;
  uint64_t inv_;
  uint64_t r2_;  // 2^128 mod n
};

// Miller-Rabin, deterministic for every 64-bit n (Sinclair's bases).
bool IsPrime(uint64_t n) {
  if (n < 2) return false;
  for (uint64_t p : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
    if (n % p == 0) return n == p;
  }
  if (n < 37 * 37) return true;
  const Montgomery mont(n);
  const int s = __builtin_ctzll(n - 1);
  const uint64_t d = (n - 1) >> s;
  const uint64_t one = mont.To(1);
  const uint64_t minus_one = mont.To(n - 1);
  for (uint64_t a : {2, 325, 9375, 28178, 450775, 9780504, 1795265022}) {
    if (a % n == 0) continue;
    uint64_t x = mont.Pow(mont.To(a), d);
    if (x == one || x == minus_one) continue;
    int i = 1;
    for (; i < s && x != minus_one; ++i) x = mont.Mul(x, x);
    if (x != minus_one) return false;
  }
  return true;
}

uint64_t AbsDiff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

// A proper factor of the odd composite n, by Pollard's rho with Brent's
// cycle detection on x -> x^2 + c, trying c = 1, 2, ... until one splits n.
uint64_t FindFactor(uint64_t n) {
  const Montgomery mont(n);
  for (uint64_t c = mont.To(1);; c = mont.Add(c, mont.To(1))) {
    auto step = [&](uint64_t v) { return mont.Add(mont.Mul(v, v), c); };
    uint64_t y = mont.To(2), x = y, saved = y;
    uint64_t product = mont.To(1);
    uint64_t g = 1;
    for (uint64_t r = 1; g == 1; r *= 2) {
      x = y;
      for (uint64_t i = 0; i < r; ++i) y = step(y);
      for (uint64_t k = 0; k < r && g == 1; k += kBatch) {
        saved = y;
        for (uint64_t i = 0; i < std::min(kBatch, r - k); ++i) {
          y = step(y);
          product = mont.Mul(product, AbsDiff(x, y));
        }
        g = std::gcd(product, n);  // Montgomery form keeps the gcd
      }
    }
    if (g == n) {  // the batch overshot: redo its steps one gcd at a time
      do {
        saved = step(saved);
        g = std::gcd(AbsDiff(x, saved), n);
      } while (g == 1);
    }
    if (g != n) return g;
  }
}

// The prime factors of n >= 1 with multiplicity, in ascending order.
std::vector<uint64_t> Factorize(uint64_t n) {
  std::vector<uint64_t> factors;
  for (uint64_t d = 2; d < kTrialLimit && d * d <= n; d += (d == 2 ? 1 : 2)) {
    for (; n % d == 0; n /= d) factors.push_back(d);
  }
  std::vector<uint64_t> pending;
  if (n > 1) pending.push_back(n);
  while (!pending.empty()) {
    uint64_t m = pending.back();
    pending.pop_back();
    if (m < kTrialLimit * kTrialLimit || IsPrime(m)) {
      factors.push_back(m);
    } else {
      uint64_t d = FindFactor(m);
      pending.push_back(d);
      pending.push_back(m / d);
    }
  }
  std::sort(factors.begin(), factors.end());
  return factors;
}

absl::Status Factor(const Call& call, std::string* result) {
  const uint64_t n = call.Uint(0);
  if (n == 0) {
    return absl::InvalidArgumentError("factor: 0 has no prime factorisation");
  }
  if (n == 1) {
    result->append("1");
    return absl::OkStatus();
  }
  const std::vector<uint64_t> factors = Factorize(n);
  for (size_t i = 0; i < factors.size();) {
    size_t j = i;
    while (j < factors.size() && factors[j] == factors[i]) ++j;
    absl::StrAppend(result, i == 0 ? "" : " * ", factors[i]);
    if (j - i > 1) absl::StrAppend(result, "^", j - i);
    i = j;
  }
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(factor, "uint",
              "N: the prime factorisation of N >= 1 as \"2^2 * 3 * 5\" (1 "
              "gives \"1\"; Pollard rho)",
              &Factor);

}  // namespace taskfarm::tasks
