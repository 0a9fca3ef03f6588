// File: master/input/line_source.h
//
// LineSource is where the lines of one input come from. The master reads
// every source exactly once (master/input/task_source.h), checks each line
// and keeps the tasks in its input spool, so a source may be anything that
// yields lines once, in order:
//
//   - LineReader (line_reader.h): a file, a FIFO, /dev/fd/N, standard
//     input, or --tasks text;
//   - a generator, for tasks no file holds: GNU Parallel-style command
//     templates (`taskfarm CMD {} ::: a b c`, `:::: FILE`) make each job a
//     line without writing a temporary file.
//
// A line is either text (the task language or a JSON task, exactly as in a
// task file) or words already split: a generator that builds commands
// from arguments yields words, so an argument holding blanks, quotes, '#'
// or '..' needs no quoting and is never read as a range or a comment.
//
// Example (a generator of `exec` tasks, one per argument):
//   class EchoEach : public LineSource {
//    public:
//     explicit EchoEach(std::vector<std::string> args) : args_(args) {}
//     absl::StatusOr<std::optional<SourceLine>> NextLine() override {
//       if (line_ == args_.size()) return std::nullopt;
//       words_ = {{"exec", true}, {"echo", true}, {args_[line_++], true}};
//       return SourceLine{.words = &words_};
//     }
//     uint64_t line_number() const override { return line_; }
//     const std::string& name() const override { return name_; }
//    private:
//     std::vector<std::string> args_;
//     std::vector<Word> words_;
//     size_t line_ = 0;
//     std::string name_ = "::: arguments";
//   };
//   options.inputs.push_back(
//       {.name = "::: arguments",
//        .generated = std::make_shared<EchoEach>(args)});
//
// Thread-compatible: the check reads a source from one thread, once.

#ifndef TASKFARM_MASTER_INPUT_LINE_SOURCE_H_
#define TASKFARM_MASTER_INPUT_LINE_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "master/input/cancel.h"
#include "master/input/tokenizer.h"

namespace taskfarm::master {

struct SourceLine {
  // A line of a task file, without its newline: the task language, or a
  // JSON task (json_line.h). Blank lines and comments are no tasks.
  absl::string_view text;
  // If set, the line's words (kind first), taken as they are: `text` is
  // ignored, nothing is unquoted, and a word marked quoted is never read
  // as a range `A..B`. No words: no task.
  const std::vector<Word>* words = nullptr;
};

class LineSource {
 public:
  virtual ~LineSource() = default;

  // The next line, nullopt after the last. The line (and what its views
  // point to) stays valid until the next call. An error status stops the
  // check: it is printed as it is (so name the source in it) and the batch
  // does not start (exit code 2). Return kCancelled if `cancel` (see
  // WatchCancel) fired while waiting.
  virtual absl::StatusOr<std::optional<SourceLine>> NextLine() = 0;

  // The number of the line NextLine() returned last, from 1: errors say
  // "NAME:LINE: what is wrong".
  virtual uint64_t line_number() const = 0;

  // How errors name this source ("tasks.txt", "--tasks", "::: arguments").
  virtual const std::string& name() const = 0;

  // Called once before the first NextLine(). A source that may block
  // (reading a pipe) should wake when `cancel` fires (poll its fd()) and
  // return kCancelled; the check itself polls cancel->cancelled() between
  // lines, so a source that never blocks can ignore this.
  virtual void WatchCancel(const CancelFlag* cancel) { (void)cancel; }
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_LINE_SOURCE_H_
