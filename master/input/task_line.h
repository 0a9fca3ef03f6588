// File: master/input/task_line.h
//
// TaskLine is one checked line of the task language: a kind, and arguments
// that match its signature, where an integer argument may be a range
// `A..B` (inclusive). A line with ranges stands for the cross product of
// them, the last range varying fastest, like nested loops:
//
//   fib 1..3          -> fib 1, fib 2, fib 3
//   fibmod 1..2 7..8  -> fibmod 1 7, fibmod 1 8, fibmod 2 7, fibmod 2 8
//
// Example:
//   TaskLine line;
//   if (absl::Status s = line.Parse(tokenizer.words(), kinds); !s.ok()) ...
//   for (bool more = line.First(&args); more; more = line.Next(&args)) ...
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_INPUT_TASK_LINE_H_
#define TASKFARM_MASTER_INPUT_TASK_LINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "master/input/kind_table.h"
#include "master/input/odometer.h"
#include "master/input/tokenizer.h"
#include "proto/value.h"

namespace taskfarm::master {

// No line may stand for more tasks than this (2^40, about 10^12).
inline constexpr uint64_t kMaxLineTasks = uint64_t{1} << 40;

class TaskLine {
 public:
  TaskLine() = default;
  TaskLine(const TaskLine&) = delete;
  TaskLine& operator=(const TaskLine&) = delete;

  // Checks `words` (kind first) against `kinds`. Returns kNotFound for an
  // unknown kind and kInvalidArgument for wrong arguments (or more than
  // proto::kMaxArgs of them), with a message for people:
  // `fib expects 1 integer argument, got "x"`. On success the
  // line owns copies of what it needs; `words` may go.
  absl::Status Parse(const std::vector<Word>& words, const KindTable& kinds);

  uint32_t kind() const { return kind_; }
  // How many tasks the line stands for (>= 1).
  uint64_t count() const { return count_; }

  // The first task's arguments (a range argument holds its first value;
  // strings view into this line) and the range arguments: what the input
  // spool keeps of a line that stands for many tasks.
  absl::Span<const proto::Value> values() const { return values_; }
  absl::Span<const ArgRange> ranges() const { return ranges_; }

  // The first task's arguments; false never (a line has >= 1 task).
  bool First(std::vector<proto::Value>* args) const;
  // The next task's arguments; false after the last.
  bool Next(std::vector<proto::Value>* args) const;

  // Appends a canonical form of the line (kind, values, ranges) for the
  // batch's fingerprint.
  void AppendCanonical(std::string* out) const;

 private:
  uint32_t kind_ = 0;
  absl::string_view name_;  // the kind's name, owned by the KindTable
  const KindTable* table_ = nullptr;  // where kind_ and name_ were found
  uint64_t count_ = 1;
  std::vector<proto::Value> values_;  // the first task's arguments
  std::vector<ArgRange> ranges_;      // by position
  std::string storage_;               // string arguments, back to back
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_TASK_LINE_H_
