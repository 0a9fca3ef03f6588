// File: master/input/task_source.h
//
// TaskSource reads the batch's task files in two passes. Check() reads every
// line once, up front, so that bad input is reported (FILE:LINE: what is
// wrong) before any task runs, and learns the task count and a fingerprint
// of the task list; then Fill() streams the tasks out batch by batch,
// holding one line at a time, so a file of 10^8 tasks costs no more memory
// than a file of ten. Standard input is spooled to a file first, so it can
// be read twice.
//
// Example:
//   TaskSource source({{.path = "tasks.txt"}}, &kinds);
//   std::vector<std::string> errors;
//   absl::StatusOr<TaskSource::Summary> s = source.Check(&errors, 20);
//   if (!errors.empty()) ...print them, exit 2
//   source.Fill(&writer, 256, UINT64_MAX, nullptr);
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_INPUT_TASK_SOURCE_H_
#define TASKFARM_MASTER_INPUT_TASK_SOURCE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "master/input/kind_table.h"
#include "master/input/line_reader.h"
#include "master/input/task_line.h"
#include "master/input/tokenizer.h"
#include "master/task_feed.h"

namespace taskfarm::master {

struct InputSpec {
  std::string path;  // a file to read; unused for text
  std::string text;  // --tasks text; used if is_text
  bool is_text = false;
  bool lines_only = false;  // text: one task per line, ';' is no separator
  std::string name;  // how errors name it; defaults to path
  // Lines made by a program (command templates, master/template/): each
  // call starts a fresh pass over the same lines. Used if set.
  std::function<LineGenerator()> generate;
};

class TaskSource : public TaskFeed {
 public:
  struct Summary {
    uint64_t total = 0;       // tasks, after range expansion
    std::string fingerprint;  // hex SHA-256 of the canonical task list
  };

  TaskSource(std::vector<InputSpec> inputs, const KindTable* kinds);

  // Pass 1. Appends "NAME:LINE: message" for each bad line to `errors` (at
  // most `max_errors`, then one "... and N more" line). Returns an error
  // status only if an input cannot be read at all.
  absl::StatusOr<Summary> Check(std::vector<std::string>* errors,
                                size_t max_errors);

  // Pass 2 (TaskFeed). The first call starts reading from the top.
  absl::StatusOr<uint32_t> Fill(proto::TaskBatchWriter* writer, uint32_t max,
                                uint64_t id_limit,
                                const journal::IdSet* skip) override;
  bool exhausted() const override { return exhausted_; }
  uint64_t next_id() const override { return next_id_; }

 private:
  absl::StatusOr<LineReader> Open(const InputSpec& spec) const;
  // Moves to the next line with tasks; false at the end of all inputs.
  absl::StatusOr<bool> AdvanceLine();

  std::vector<InputSpec> inputs_;
  const KindTable* kinds_;

  // Pass-2 position.
  size_t input_ = 0;
  std::optional<LineReader> reader_;
  Tokenizer tokenizer_;
  std::vector<Word> json_words_;  // a JSON line's words, and their text
  std::string json_storage_;
  TaskLine line_;
  bool in_line_ = false;  // args_ holds an unconsumed task of line_
  std::vector<proto::Value> args_;
  uint64_t next_id_ = 0;
  bool exhausted_ = false;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_TASK_SOURCE_H_
