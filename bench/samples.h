// File: bench/samples.h
//
// The data every benchmark here feeds the hot path with: the tiny-task
// batch of issue 5, `fib n` with n = 1 + i mod 90, as task frames, record
// frames and input text, encoded exactly as the worker and the master do.
//
// Example:
//   std::string body = bench::FibTaskFrame(1024);   // a Tasks body
//   std::string recs = bench::FibRecordFrame(1024); // a Results body
//
// Thread-compatible (no shared state).

#ifndef TASKFARM_BENCH_SAMPLES_H_
#define TASKFARM_BENCH_SAMPLES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "proto/messages.h"

namespace taskfarm::bench {

// The n of the i-th task: 1 + i mod 90 (every fib fits in 64 bits).
inline int64_t FibArg(uint64_t i) { return static_cast<int64_t>(1 + i % 90); }

// fib(n) in decimal, for 0 <= n <= 93.
std::string FibText(int64_t n);

// A tasks body of `count` fib tasks with ids first..first+count-1, kind
// index `kind`, attempt 1.
std::string FibTaskFrame(uint32_t count, uint64_t first = 0,
                         uint32_t kind = 0);

// A records body of `count` ok fib records, as a worker sends them.
std::string FibRecordFrame(uint32_t count, uint64_t first = 0,
                           int64_t pid = 4711);

// `count` lines "fib N\n", as a task file holds them.
std::string FibLines(uint64_t count);

// The task kinds the standard worker advertises in its hello, in order.
std::vector<proto::TaskKind> StandardKinds();

// Writes `text` to a new file in a fresh temporary directory and returns
// its path (the directory is left for the OS to clean: benchmarks only).
std::string TempFile(absl::string_view name, absl::string_view text);

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SAMPLES_H_
