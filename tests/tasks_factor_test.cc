// Tests of the factor task kind. Expected factorisations come from GNU
// coreutils' factor; the cases aim at what breaks factorisers: primes and
// strong pseudoprimes near 2^64, semiprimes of two 32-bit primes, squares
// and cubes of large primes, and the edges 0, 1 and 2^64 - 1.

#include <gmp.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectResults;
using testutil::RunTask;

TEST(Factor, KnownFactorisations) {
  ExpectResults(
      "factor",
      {
          {{"1"}, "1"},
          {{"2"}, "2"},
          {{"4"}, "2^2"},
          {{"60"}, "2^2 * 3 * 5"},
          {{"561"}, "3 * 11 * 17"},               // Carmichael
          {{"3215031751"}, "151 * 751 * 28351"},  // spsp(2, 3, 5, 7)
          {{"600851475143"}, "71 * 839 * 1471 * 6857"},
          {{"999983"}, "999983"},   // prime just below the trial square
          {{"1018081"}, "1009^2"},  // first square past trial division
          {{"9223372036854775808"}, "2^63"},
          {{"2305843009213693951"}, "2305843009213693951"},  // 2^61 - 1
          {{"999999999999999989"}, "999999999999999989"},
          {{"3825123056546413051"}, "149491 * 747451 * 34233211"},  // spsp
          {{"1000000016000000063"}, "1000000007 * 1000000009"},
          {{"4611686014132420609"}, "2147483647^2"},
          {{"18446598518342697919"}, "2642239^3"},
          {{"18446743979220271189"}, "4294967279 * 4294967291"},
          {{"18446744030759878681"}, "4294967291^2"},
          // The largest 64-bit prime.
          {{"18446744073709551557"}, "18446744073709551557"},
          {{"18446744073709551613"}, "13 * 3889 * 364870227143809"},
          {{"18446744073709551614"},
           "2 * 7^2 * 73 * 127 * 337 * 92737 * 649657"},
          {{"18446744073709551615"},  // 2^64 - 1
           "3 * 5 * 17 * 257 * 641 * 65537 * 6700417"},
      });
}

// Whether GMP (an independent implementation) finds `p` prime.
bool GmpIsPrime(uint64_t p) {
  mpz_t z;
  mpz_init(z);
  mpz_import(z, 1, 1, sizeof(p), 0, 0, &p);
  bool prime = mpz_probab_prime_p(z, 30) > 0;
  mpz_clear(z);
  return prime;
}

// Runs factor on n and checks that the result is a factorisation of n:
// prime powers in ascending order whose product is n.
void ExpectFactorsMultiplyBack(uint64_t n) {
  SCOPED_TRACE(absl::StrCat("factor ", n));
  absl::StatusOr<std::string> text = RunTask("factor", {absl::StrCat(n)});
  ASSERT_TRUE(text.ok()) << text.status();
  unsigned __int128 product = 1;
  uint64_t previous = 1;
  for (absl::string_view term : absl::StrSplit(*text, " * ")) {
    std::vector<absl::string_view> parts = absl::StrSplit(term, '^');
    uint64_t p = 0;
    uint64_t e = 1;
    ASSERT_TRUE(absl::SimpleAtoi(parts[0], &p)) << term;
    if (parts.size() == 2) {
      ASSERT_TRUE(absl::SimpleAtoi(parts[1], &e)) << term;
    }
    EXPECT_GT(p, previous) << *text;
    EXPECT_TRUE(GmpIsPrime(p)) << p;
    for (uint64_t i = 0; i < e; ++i) product *= p;
    previous = p;
  }
  EXPECT_TRUE(product == n) << *text;
}

TEST(Factor, RandomNumbersMultiplyBack) {
  std::mt19937_64 random(20240601);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t n = random() >> (random() % 40);  // sizes up to 64 bits
    if (n != 0) ExpectFactorsMultiplyBack(n);
  }
}

TEST(Factor, RandomSemiprimesOfTwo32BitPrimes) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 20; ++i) {
    // Primes from [2^31, 1.5 * 2^31) on: 32 bits each, product below 2^64.
    uint64_t p = (uint64_t{1} << 31) + (random() >> 34);
    uint64_t q = (uint64_t{1} << 31) + (random() >> 34);
    while (!GmpIsPrime(p)) ++p;
    while (!GmpIsPrime(q)) ++q;
    ExpectFactorsMultiplyBack(p * q);
  }
}

TEST(Factor, RejectsZero) {
  ExpectError("factor", {"0"}, absl::StatusCode::kInvalidArgument,
              "factor: 0 has no prime factorisation");
}

}  // namespace
}  // namespace taskfarm
