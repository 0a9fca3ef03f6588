// primes: the number of primes <= N, by a segmented sieve of Eratosthenes
// over odd numbers only. One byte stands for one odd number, and the sieve
// walks a segment that fits in the L1 data cache at a time, so memory is
// O(sqrt N) and every crossing-off hits the cache.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

// The largest N accepted: its sieve needs the odd primes below 10^6.
constexpr uint64_t kMaxN = 1'000'000'000'000;
// Odd numbers per segment (one byte each): the size of a typical L1 cache.
constexpr uint64_t kSegmentBytes = uint64_t{1} << 15;

// floor(sqrt(n)).
uint64_t ISqrt(uint64_t n) {
  auto r = static_cast<uint64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r > n) --r;
  while ((r + 1) * (r + 1) <= n) ++r;
  return r;
}

// The odd primes <= limit, by a plain sieve (limit is at most 10^6).
std::vector<uint64_t> OddPrimesUpTo(uint64_t limit) {
  std::vector<bool> composite(limit + 1);
  std::vector<uint64_t> primes;
  for (uint64_t p = 3; p <= limit; p += 2) {
    if (composite[p]) continue;
    primes.push_back(p);
    for (uint64_t m = p * p; m <= limit; m += 2 * p) composite[m] = true;
  }
  return primes;
}

// pi(n) for n <= kMaxN. Index i of the sieve stands for the odd number
// 2i + 1; the odd numbers 3..n are the indices 1..(n - 1) / 2.
uint64_t CountPrimes(uint64_t n) {
  if (n < 2) return 0;
  const std::vector<uint64_t> primes = OddPrimesUpTo(ISqrt(n));
  // next[j]: the index of the next odd multiple of primes[j] to cross off,
  // starting at primes[j]^2 (smaller multiples have a smaller factor).
  std::vector<uint64_t> next;
  next.reserve(primes.size());
  for (uint64_t p : primes) next.push_back(p * p / 2);

  const uint64_t last = (n - 1) / 2;
  std::vector<uint8_t> is_prime(kSegmentBytes);
  uint64_t count = 1;  // the prime 2
  size_t active = 0;   // primes[0, active) have p^2 in or before the segment
  for (uint64_t low = 1; low <= last; low += kSegmentBytes) {
    const uint64_t high = std::min(low + kSegmentBytes - 1, last);
    const uint64_t size = high - low + 1;
    std::fill_n(is_prime.begin(), size, uint8_t{1});
    while (active < primes.size() && next[active] <= high) ++active;
    for (size_t j = 0; j < active; ++j) {
      const uint64_t p = primes[j];
      uint64_t i = next[j] - low;
      for (; i < size; i += p) is_prime[i] = 0;
      next[j] = low + i;
    }
    uint64_t segment_count = 0;
    for (uint64_t i = 0; i < size; ++i) segment_count += is_prime[i];
    count += segment_count;
  }
  return count;
}

absl::Status Primes(const Call& call, std::string* result) {
  uint64_t n = call.Uint(0);
  if (n > kMaxN) {
    return absl::InvalidArgumentError(
        absl::StrCat("primes: N must be <= ", kMaxN, ", got ", n));
  }
  absl::StrAppend(result, CountPrimes(n));
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(primes, "uint",
              "N: how many primes are <= N, for N up to 10^12 (segmented "
              "sieve)",
              &Primes);

}  // namespace taskfarm::tasks
