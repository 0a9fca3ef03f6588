// File: master/result.h
//
// Result is one task's record as a program that embeds a Farm
// (master/farm.h) receives it: the same fields as a line of jsonl output.
//
// Plain data.

#ifndef TASKFARM_MASTER_RESULT_H_
#define TASKFARM_MASTER_RESULT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace taskfarm {

struct Result {
  uint64_t id = 0;                // 0, 1, 2, ... in submission order
  std::string task;               // the kind, e.g. "fib"
  std::vector<std::string> args;  // each argument as text
  std::string status;             // "ok", "error", "crashed", "timeout", "oom"
  std::string result;             // the result, or the error message
  int64_t worker_pid = 0;         // the worker that ran it last
  uint32_t attempts = 0;          // 1 unless its worker died running it
  std::chrono::microseconds elapsed{0};

  bool ok() const { return status == "ok"; }
};

}  // namespace taskfarm

#endif  // TASKFARM_MASTER_RESULT_H_
