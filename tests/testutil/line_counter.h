// File: tests/testutil/line_counter.h
//
// LineCounter counts the lines of a file that another process is appending
// to (a farm's output), reading only the bytes added since the previous
// call, so a test can poll a 20 MB output every millisecond. A file that
// shrank (truncated, replaced) is counted again from its start; a missing
// file has 0 lines.
//
// Example:
//   LineCounter records(out);
//   ASSERT_TRUE(WaitFor([&] { return records.Count() >= 1000; }, seconds(60)));
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_LINE_COUNTER_H_
#define TASKFARM_TESTS_TESTUTIL_LINE_COUNTER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace taskfarm::testing {

class LineCounter {
 public:
  explicit LineCounter(std::string path) : path_(std::move(path)) {}

  // Complete lines (ended by '\n') in the file now.
  size_t Count() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return lines_ = offset_ = 0;
    in.seekg(0, std::ios::end);
    const auto size = static_cast<uint64_t>(in.tellg());
    if (size < offset_) lines_ = offset_ = 0;
    in.seekg(static_cast<std::streamoff>(offset_));
    char buffer[1 << 16];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
      const auto n = static_cast<size_t>(in.gcount());
      lines_ += static_cast<size_t>(std::count(buffer, buffer + n, '\n'));
      offset_ += n;
    }
    return lines_;
  }

 private:
  std::string path_;
  uint64_t offset_ = 0;
  size_t lines_ = 0;
};

}  // namespace taskfarm::testing

#endif  // TASKFARM_TESTS_TESTUTIL_LINE_COUNTER_H_
