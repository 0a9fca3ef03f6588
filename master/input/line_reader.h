// File: master/input/line_reader.h
//
// LineReader yields the lines of a task file, a descriptor, or a --tasks
// string, with their line numbers, reading files in large chunks so that
// millions of lines cost little more than the bytes. In a --tasks string,
// ';' also ends a line (outside quotes), so `--tasks='fib 30; fib 1..10'`
// is two lines.
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
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace taskfarm::master {

// Fills `line` with the next line (no newline in it); false at the end.
using LineGenerator = std::function<bool(std::string* line)>;

class LineReader {
 public:
  // Opens `path`. Returns kNotFound or kUnavailable with the reason.
  static absl::StatusOr<LineReader> OpenFile(const std::string& path,
                                             std::string display_name = "");
  // Lines of `text`, split at newlines and (if `semicolons`) outside
  // quotes at ';'.
  static LineReader FromText(std::string text, std::string display_name,
                             bool semicolons = true);

  // Lines a program makes, one per call of `generate`.
  static LineReader FromGenerator(LineGenerator generate, std::string display_name);

  LineReader(LineReader&& other) noexcept;
  LineReader& operator=(LineReader&& other) noexcept;
  LineReader(const LineReader&) = delete;
  ~LineReader();

  // The next line without its newline (valid until the next call), nullopt
  // at the end. Returns kUnavailable on a read error.
  absl::StatusOr<std::optional<absl::string_view>> Next();

  uint64_t line_number() const { return line_number_; }
  const std::string& name() const { return name_; }

 private:
  LineReader() = default;
  bool Refill();  // false at end of file; sets error_ on failure

  LineGenerator generate_;  // FromGenerator: lines come from here
  int fd_ = -1;
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
