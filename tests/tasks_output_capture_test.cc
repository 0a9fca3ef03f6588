// Tests of OutputCapture (bounded head, tail and file copy of a stream) and
// ReadUntilEof, with in-memory pipes.

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tasks/library/output_capture.h"
#include "base/scoped_fd.h"
#include "tests/testutil/files.h"

namespace taskfarm::tasks {
namespace {

using testutil::ReadFile;
using testutil::TempPath;

// The bytes 0, 1, ..., n - 1 as text digits, so any cut shows where it is.
std::string Digits(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>('0' + i % 10);
  return s;
}

TEST(OutputCapture, ShortStreamIsKeptWhole) {
  OutputCapture capture(100);
  capture.Append("hello ");
  capture.Append("world");
  EXPECT_EQ(capture.head(), "hello world");
  EXPECT_EQ(capture.HeadWithNote(), "hello world");
  EXPECT_EQ(capture.Tail(), "hello world");
  EXPECT_EQ(capture.total_bytes(), 11u);
}

TEST(OutputCapture, LongStreamKeepsHeadTailAndCount) {
  const std::string stream = Digits(100000);
  OutputCapture capture(1000);
  // Uneven pieces, some larger than the tail and some smaller.
  for (size_t at = 0, piece = 1; at < stream.size(); at += piece, piece *= 3) {
    capture.Append(absl::string_view(stream).substr(at, piece));
  }
  EXPECT_EQ(capture.head(), stream.substr(0, 1000));
  EXPECT_EQ(capture.HeadWithNote(),
            stream.substr(0, 1000) + "\u2026[truncated 99000 bytes]");
  EXPECT_EQ(capture.Tail(),
            stream.substr(stream.size() - OutputCapture::kTailBytes));
  EXPECT_EQ(capture.total_bytes(), 100000u);
}

TEST(OutputCapture, TailSurvivesManySmallAppends) {
  const std::string stream = Digits(5000);
  OutputCapture capture(0);
  for (char c : stream) capture.Append(absl::string_view(&c, 1));
  EXPECT_EQ(capture.head(), "");
  EXPECT_EQ(capture.Tail(),
            stream.substr(stream.size() - OutputCapture::kTailBytes));
}

TEST(OutputCapture, FileGetsItsCapThenANote) {
  const std::string path = TempPath("capture_file");
  base::ScopedFd file(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
  ASSERT_TRUE(file.valid());
  OutputCapture capture(10, std::move(file), 3000);
  const std::string stream = Digits(5000);
  capture.Append(absl::string_view(stream).substr(0, 2999));
  capture.Append(absl::string_view(stream).substr(2999));
  EXPECT_TRUE(capture.Finish(path).ok());
  EXPECT_EQ(ReadFile(path),
            stream.substr(0, 3000) + "\u2026[truncated 2000 bytes]");
}

TEST(OutputCapture, FileWriteErrorIsReported) {
  // /dev/full fails every write with ENOSPC.
  base::ScopedFd file(open("/dev/full", O_WRONLY));
  ASSERT_TRUE(file.valid());
  OutputCapture capture(10, std::move(file), 100);
  capture.Append("data");
  absl::Status s = capture.Finish("the file");
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "cannot write the file: No space left on device");
  EXPECT_EQ(capture.head(), "data");  // capture goes on regardless
}

TEST(ReadUntilEof, DrainsEveryPipe) {
  int a[2], b[2];
  ASSERT_EQ(pipe(a), 0);
  ASSERT_EQ(pipe(b), 0);
  base::ScopedFd a_read(a[0]), a_write(a[1]), b_read(b[0]), b_write(b[1]);
  ASSERT_EQ(write(a_write.get(), "first", 5), 5);
  ASSERT_EQ(write(b_write.get(), "second", 6), 6);
  a_write.reset();
  b_write.reset();
  OutputCapture first(100), second(100);
  ASSERT_TRUE(
      ReadUntilEof({{a_read.get(), &first}, {b_read.get(), &second}}).ok());
  EXPECT_EQ(first.head(), "first");
  EXPECT_EQ(second.head(), "second");
}

}  // namespace
}  // namespace taskfarm::tasks
