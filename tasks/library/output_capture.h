// File: tasks/library/output_capture.h
//
// OutputCapture collects what a child process writes to one stream (its
// stdout or its stderr) without ever holding more than a bounded amount:
//   - the first `keep_bytes`, which a task shows as its result;
//   - the last kTailBytes, which an error message quotes;
//   - the total byte count, to say how much was cut;
//   - optionally, a copy of the first `file_bytes` in a file.
// ReadUntilEof drains several pipes into their captures at once, with
// poll(), so a child that fills one pipe while nobody reads it cannot
// deadlock against a reader blocked on the other.
//
// Example:
//   OutputCapture out(64 << 10), err(64 << 10);
//   absl::Status s = ReadUntilEof({{stdout_fd, &out}, {stderr_fd, &err}});
//   std::string shown = out.HeadWithNote();  // "...\u2026[truncated 12 bytes]"
//
// Thread-compatible.

#ifndef TASKFARM_TASKS_LIBRARY_OUTPUT_CAPTURE_H_
#define TASKFARM_TASKS_LIBRARY_OUTPUT_CAPTURE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "base/scoped_fd.h"

namespace taskfarm::tasks {

// The note appended where output was cut: "\u2026[truncated N bytes]".
std::string TruncationNote(uint64_t dropped_bytes);

class OutputCapture {
 public:
  // How much of the end of the stream Tail() keeps.
  static constexpr size_t kTailBytes = 1024;

  // Keeps the first `keep_bytes` in memory. If `file` is valid, also writes
  // the first `file_bytes` to it, followed by a TruncationNote if the stream
  // was longer.
  explicit OutputCapture(size_t keep_bytes, base::ScopedFd file = base::ScopedFd(),
                         size_t file_bytes = 0);
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;

  // Takes the next bytes of the stream.
  void Append(absl::string_view bytes);

  // Ends the stream: writes the file's truncation note and closes it.
  // Returns the first error writing the file (errno's code, with
  // `file_name` in the message), or OK.
  absl::Status Finish(absl::string_view file_name);

  // The first keep_bytes of the stream.
  const std::string& head() const { return head_; }
  // head(), plus a TruncationNote if the stream was longer.
  std::string HeadWithNote() const;
  // The last kTailBytes of the stream (all of it if shorter).
  absl::string_view Tail() const;
  uint64_t total_bytes() const { return total_; }

 private:
  void WriteToFile(absl::string_view bytes);

  const size_t keep_bytes_;
  std::string head_;
  std::string tail_;  // the last 1 to 2 kTailBytes bytes
  uint64_t total_ = 0;
  base::ScopedFd file_;
  const size_t file_bytes_;
  uint64_t file_written_ = 0;
  int file_errno_ = 0;
};

// A pipe's read end and the capture its bytes go to.
struct PipeCapture {
  int fd;
  OutputCapture* capture;
};

// Reads every pipe until all reach end of file. Returns errno's code if poll
// or read fails (the pipes are then left partly read).
absl::Status ReadUntilEof(absl::Span<const PipeCapture> pipes);

}  // namespace taskfarm::tasks

#endif  // TASKFARM_TASKS_LIBRARY_OUTPUT_CAPTURE_H_
