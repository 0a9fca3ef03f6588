// File: tasks/task.h
//
// What a task function is: it gets its arguments (already checked against
// its signature, so Int(0) of an "int" argument cannot fail) and appends its
// result, as text, to `result` (empty on entry; its capacity is reused from
// task to task, so small results cost no allocation). It returns OK, or an
// error whose message becomes the record's result with status "error".
//
// Example:
//   absl::Status Square(const Call& call, std::string* result) {
//     int64_t n = call.Int(0);
//     absl::StrAppend(result, n * n);
//     return absl::OkStatus();
//   }
//   TASKFARM_TASK(square, "int", "n*n, for the docs", &Square);
//
// A task may throw (the worker reports it and exits: see worker/); it may
// crash its process, which the master survives. Task functions run on the
// worker's main thread, one at a time.

#ifndef TASKFARM_TASKS_TASK_H_
#define TASKFARM_TASKS_TASK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "proto/value.h"

namespace taskfarm::tasks {

// Settings of the batch that some tasks need.
struct Env {
  std::string results_dir;  // --results-dir, "" = none
};

class Call {
 public:
  Call(absl::Span<const proto::Value> args, uint64_t id, uint32_t attempt,
       const Env* env)
      : args_(args), id_(id), attempt_(attempt), env_(env) {}

  size_t size() const { return args_.size(); }
  // Argument `i` as the signature declares it.
  int64_t Int(size_t i) const { return std::get<int64_t>(args_[i]); }
  uint64_t Uint(size_t i) const { return std::get<uint64_t>(args_[i]); }
  double Float(size_t i) const { return std::get<double>(args_[i]); }
  absl::string_view Str(size_t i) const {
    return std::get<absl::string_view>(args_[i]);
  }
  absl::Span<const proto::Value> args() const { return args_; }

  uint64_t id() const { return id_; }            // the task id
  uint32_t attempt() const { return attempt_; }  // 1 for a first run
  const Env& env() const { return *env_; }

 private:
  absl::Span<const proto::Value> args_;
  uint64_t id_;
  uint32_t attempt_;
  const Env* env_;
};

using TaskFn = absl::Status (*)(const Call& call, std::string* result);

}  // namespace taskfarm::tasks

#endif  // TASKFARM_TASKS_TASK_H_
