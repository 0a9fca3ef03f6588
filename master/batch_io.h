// File: master/batch_io.h
//
// BatchIo prepares a batch's input and output before any task runs:
//  - the input is read exactly once, by the check, into a spool of
//    pre-encoded tasks in the runtime directory (master/input/spool.h),
//    which the feed then hands out: pipes, FIFOs and files that change
//    lose nothing, and a check can be cancelled at once (Cancel);
//  - the output is claimed at once (master/output_file.h: checked, locked
//    against a second batch), but only truncated after the input checked
//    out, so a typo in a task file never costs the previous output;
//  - with --resume, the output is scanned back once (ids already written
//    are skipped) and must carry the fingerprint of the same task list,
//    kept in a side file OUTPUT.taskfarm; the loggers get what the scan
//    found through a handoff file in the runtime directory;
//  - --stats-json is checked to be writable (master/stats_file.h).
//
// Use from one thread, except Check, which may run on a thread of its own
// while the owner calls Cancel.

#ifndef TASKFARM_MASTER_BATCH_IO_H_
#define TASKFARM_MASTER_BATCH_IO_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "journal/id_set.h"
#include "master/input/cancel.h"
#include "master/input/kind_table.h"
#include "master/input/spool_feed.h"
#include "master/input/task_source.h"
#include "master/output_file.h"
#include "master/options.h"
#include "master/task_feed.h"

namespace taskfarm::master {

// The task list of `./tools/bazel run //master` with no input.
inline constexpr char kDemoTasks[] = "fib 0..90";

class BatchIo {
 public:
  explicit BatchIo(const FarmOptions& options) : options_(options) {}

  // Early checks, before workers start: the output can be written and is
  // ours (locked), --stats-json can be written, and standard input ("-")
  // is named at most once; the input spool will be written in `spool_dir`
  // (the runtime directory). Runs the demo batch only if no input was
  // named at all (an empty --tasks is an input with no tasks). Returns
  // kInvalidArgument with a message for people.
  absl::Status Prepare(const std::string& spool_dir);

  // Reads every input once, checks each line against `kinds`, and spools
  // the tasks. Fills `errors` with "FILE:LINE: message" lines; returns a
  // status for unreadable input or an unwritable spool (kNotFound,
  // kUnavailable), and kCancelled once Cancel was called.
  absl::Status Check(const KindTable& kinds, std::vector<std::string>* errors);

  // Makes a running or later Check return kCancelled soon: within a few
  // thousand lines, or at once if it waits for a pipe or FIFO. Thread-safe.
  void Cancel() { cancel_.Cancel(); }

  // After a clean check: truncates the output (or, with --resume, checks
  // the fingerprint, then scans it), and writes the loggers' handoff.
  // Returns kInvalidArgument on refusal, kUnavailable if a file cannot be
  // written.
  absl::Status OpenOutput();

  // Flags every logger of the batch gets (after Prepare): the handoff.
  std::vector<std::string> LoggerFlags() const;

  // The tasks, after a clean check (else nullptr). Fill errors: a spool
  // that is short or corrupt (kDataLoss), never an early end.
  TaskFeed* source() { return feed_.get(); }
  uint64_t total() const { return total_; }
  // Ids already in the output (--resume); nullptr if none.
  const journal::IdSet* done() const {
    return output_ ? output_->done() : nullptr;
  }
  bool demo() const { return demo_; }

 private:
  // The output half of Prepare.
  absl::Status PrepareOutput(const std::string& runtime_dir);

  const FarmOptions& options_;
  std::vector<InputSpec> inputs_;
  std::string spool_path_;
  CancelFlag cancel_;
  std::unique_ptr<SpoolFeed> feed_;
  uint64_t total_ = 0;
  std::string fingerprint_;
  bool demo_ = false;
  std::optional<OutputFile> output_;
  std::string handoff_path_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_BATCH_IO_H_
