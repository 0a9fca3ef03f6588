// File: tasks/library/fib.h
//
// Fibonacci numbers, exact: fib(0) = 0, fib(1) = 1. Values up to fib(93) fit
// in 64 bits and come from a table; beyond that GMP computes them.
//
// Thread-safe.

#ifndef TASKFARM_TASKS_LIBRARY_FIB_H_
#define TASKFARM_TASKS_LIBRARY_FIB_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace taskfarm::tasks {

// The largest n whose fib(n) fits in uint64_t.
inline constexpr int64_t kFibMaxU64 = 93;
// The largest n fib accepts (fib(10^8) has about 20.9 million digits).
inline constexpr int64_t kFibMaxN = 100'000'000;

// Appends fib(n) in decimal. Returns kInvalidArgument for n < 0 or
// n > kFibMaxN.
absl::Status AppendFib(int64_t n, std::string* out);

}  // namespace taskfarm::tasks

#endif  // TASKFARM_TASKS_LIBRARY_FIB_H_
