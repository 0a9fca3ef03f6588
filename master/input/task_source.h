// File: master/input/task_source.h
//
// TaskSource reads the batch's inputs exactly once, up front: every line
// is checked, so that bad input is reported (FILE:LINE: what is wrong)
// before any task runs, counted, fingerprinted (SHA-256 of the canonical
// task list, for --resume), and written pre-encoded to the input spool
// (spool.h), from which SpoolFeed then hands the tasks out. Nothing is read
// twice: a pipe, a FIFO, /dev/stdin or a file that changes after the check
// loses nothing, and the feed never parses again.
//
// An input is a file (a FIFO or /dev/fd/N too; "-" is standard input),
// --tasks text, or a generated source (line_source.h), in the order given.
//
// Example:
//   TaskSource source({{.path = "tasks.txt"}}, &kinds);
//   auto spool = SpoolWriter::Create(dir + "/input.spool");
//   std::vector<std::string> errors;
//   absl::StatusOr<TaskSource::Summary> s =
//       source.Check(&errors, 20, spool->get(), &cancel);
//   if (!errors.empty()) ...print them, exit 2
//   auto feed = SpoolFeed::Open(dir + "/input.spool", s->total);
//
// Thread-compatible; Check may run on its own thread, with `cancel`
// fired from another.

#ifndef TASKFARM_MASTER_INPUT_TASK_SOURCE_H_
#define TASKFARM_MASTER_INPUT_TASK_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "master/input/cancel.h"
#include "master/input/kind_table.h"
#include "master/input/line_source.h"
#include "master/input/spool.h"

namespace taskfarm::master {

// One input of the batch. An InputSpec with is_text and an empty text is
// an input that holds no task (`--tasks=''`): not the same as no input at
// all, which runs the demo batch.
struct InputSpec {
  std::string path;  // a file to read; "-" is standard input
  std::string text;  // --tasks text; used if is_text
  bool is_text = false;
  bool lines_only = false;  // text: one task per line, ';' is no separator
  std::string name;  // how errors name it; defaults to path
  // If set, the input's lines come from here (read once, from the check's
  // thread); path and text are unused.
  std::shared_ptr<LineSource> generated;
};

class TaskSource {
 public:
  struct Summary {
    uint64_t total = 0;       // tasks, after range expansion
    std::string fingerprint;  // hex SHA-256 of the canonical task list
  };

  TaskSource(std::vector<InputSpec> inputs, const KindTable* kinds);

  // The one pass. Appends "NAME:LINE: message" for each bad line to
  // `errors` (at most `max_errors`, then one "... and N more" line). If
  // `spool` is set and every line is good, writes every task to it and
  // finishes it. Returns an error status if an input cannot be read at all
  // (kNotFound, kUnavailable), the spool cannot be written (kUnavailable),
  // or `cancel` fired (kCancelled).
  absl::StatusOr<Summary> Check(std::vector<std::string>* errors,
                                size_t max_errors,
                                SpoolWriter* spool = nullptr,
                                const CancelFlag* cancel = nullptr);

 private:
  absl::StatusOr<std::shared_ptr<LineSource>> Open(const InputSpec& spec) const;

  std::vector<InputSpec> inputs_;
  const KindTable* kinds_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_TASK_SOURCE_H_
