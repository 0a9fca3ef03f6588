// fibmod: the N-th Fibonacci number modulo M, for any 64-bit N, by fast
// doubling (O(log N) multiplications):
//   fib(2k)   = fib(k) * (2 fib(k+1) - fib(k))
//   fib(2k+1) = fib(k)^2 + fib(k+1)^2
// Products of two residues below M < 2^64 fit in unsigned __int128.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

using u128 = unsigned __int128;

uint64_t MulMod(uint64_t a, uint64_t b, uint64_t m) {
  return static_cast<uint64_t>(static_cast<u128>(a) * b % m);
}

uint64_t AddMod(uint64_t a, uint64_t b, uint64_t m) {
  return static_cast<uint64_t>((static_cast<u128>(a) + b) % m);
}

// fib(n) mod m; requires m >= 1.
uint64_t FibMod(uint64_t n, uint64_t m) {
  uint64_t a = 0;      // fib(k) mod m, k = the bits of n read so far
  uint64_t b = 1 % m;  // fib(k+1) mod m
  for (int bit = 63; bit >= 0; --bit) {
    // k -> 2k
    uint64_t twice_b_minus_a = AddMod(AddMod(b, b, m), m - a, m);
    uint64_t c = MulMod(a, twice_b_minus_a, m);
    uint64_t d = AddMod(MulMod(a, a, m), MulMod(b, b, m), m);
    a = c;
    b = d;
    if ((n >> bit) & 1) {  // 2k -> 2k+1
      uint64_t next = AddMod(a, b, m);
      a = b;
      b = next;
    }
  }
  return a;
}

absl::Status FibModTask(const Call& call, std::string* result) {
  uint64_t n = call.Uint(0);
  uint64_t m = call.Uint(1);
  if (m == 0) return absl::InvalidArgumentError("fibmod: M must be >= 1");
  absl::StrAppend(result, FibMod(n, m));
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(fibmod, "uint uint",
              "N M: fib(N) mod M, for any 64-bit N and M >= 1 (fast doubling)",
              &FibModTask);

}  // namespace taskfarm::tasks
