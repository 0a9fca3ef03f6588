// File: master/input/line_reader.h
//
// LineReader yields the lines of a task file, a descriptor, or a --tasks
// string, with their line numbers, reading files in large chunks so that
// millions of lines cost little more than the bytes. In a --tasks string,
// ';' also ends a line (outside quotes), so `--tasks='fib 30; fib 1..10'`
// is two lines.
//
// Anything but a regular file (a pipe, a FIFO, /dev/fd/N, a terminal) is
// read only once it is readable, waiting on the CancelFlag given to
// WatchCancel as well: a cancelled reader stops at once even if the
// writer of its FIFO holds it open and writes nothing. A FIFO is opened
// without waiting for its writer (the wait is in that poll).
//
// Example:
//   absl::StatusOr<LineReader> in = LineReader::OpenFile("tasks.txt");
//   while (true) {
//     absl::StatusOr<std::optional<absl::string_view>> line = in->Next();
//     if (!line.ok() || !*line) break;
//     ... in->line_number() ...
//   }
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_INPUT_LINE_READER_H_
#define TASKFARM_MASTER_INPUT_LINE_READER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "master/input/cancel.h"
#include "master/input/line_source.h"

namespace taskfarm::master {

class LineReader : public LineSource {
 public:
  // Opens `path`. Returns kNotFound or kUnavailable with the reason.
  static absl::StatusOr<LineReader> OpenFile(const std::string& path,
                                             std::string display_name = "");
  // Reads the open descriptor `fd`, which it then owns (closes).
  static LineReader FromFd(int fd, std::string display_name);
  // Lines of `text`, split at newlines and (if `semicolons`) outside
  // quotes at ';'.
  static LineReader FromText(std::string text, std::string display_name,
                             bool semicolons = true);

  LineReader(LineReader&& other) noexcept;
  LineReader& operator=(LineReader&& other) noexcept;
  LineReader(const LineReader&) = delete;
  ~LineReader() override;

  // The next line without its newline (valid until the next call), nullopt
  // at the end. Returns kUnavailable on a read error, kCancelled once the
  // watched CancelFlag fired while waiting for input.
  absl::StatusOr<std::optional<absl::string_view>> Next();

  // LineSource: Next() as text lines.
  absl::StatusOr<std::optional<SourceLine>> NextLine() override;
  uint64_t line_number() const override { return line_number_; }
  const std::string& name() const override { return name_; }
  void WatchCancel(const CancelFlag* cancel) override { cancel_ = cancel; }

 private:
  LineReader() = default;
  bool Refill();  // false at end of file; sets error_ on failure
  // Waits until fd_ is readable; false (error_ set) if cancelled.
  bool AwaitInput();

  int fd_ = -1;
  bool regular_ = true;  // a regular file: reads never wait for a writer
  const CancelFlag* cancel_ = nullptr;
  bool semicolons_ = false;
  std::string name_;
  std::string buffer_;
  size_t pos_ = 0;  // next unread byte of buffer_
  bool eof_ = false;
  int error_ = 0;
  uint64_t line_number_ = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_LINE_READER_H_
