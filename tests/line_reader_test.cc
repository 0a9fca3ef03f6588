// Tests of master::LineReader: lines of task files read in 1 MiB chunks
// (lines across chunk boundaries, a last line without newline, empty files,
// the 16 MiB line limit) and of --tasks text, where ';' outside quotes also
// ends a line. A FIFO opens without waiting for its writer, and a reader
// waiting on a silent pipe stops once cancelled.

#include "master/input/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "master/input/cancel.h"
#include "tests/testutil/files.h"

namespace taskfarm::master {
namespace {

constexpr size_t kChunk = 1 << 20;

struct Line {
  uint64_t number;
  std::string text;
  friend bool operator==(const Line&, const Line&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Line& l) {
    std::string shown = l.text.size() > 40
                            ? absl::StrCat(l.text.substr(0, 20), "...(",
                                           l.text.size(), " bytes)")
                            : l.text;
    return os << l.number << ":" << shown;
  }
};

// Every line until the end; fails the test on an error.
std::vector<Line> ReadAll(LineReader& in) {
  std::vector<Line> lines;
  for (;;) {
    absl::StatusOr<std::optional<absl::string_view>> line = in.Next();
    EXPECT_TRUE(line.ok()) << line.status();
    if (!line.ok() || !*line) return lines;
    lines.push_back({in.line_number(), std::string(**line)});
  }
}

std::vector<Line> ReadFileLines(absl::string_view content) {
  std::string path = testutil::TempPath("lines.txt");
  testutil::WriteFile(path, content);
  absl::StatusOr<LineReader> in = LineReader::OpenFile(path);
  EXPECT_TRUE(in.ok()) << in.status();
  if (!in.ok()) return {};
  return ReadAll(*in);
}

std::vector<Line> ReadTextLines(std::string text) {
  LineReader in = LineReader::FromText(std::move(text), "--tasks");
  return ReadAll(in);
}

TEST(LineReader, SplitsAFileAtNewlines) {
  struct Case {
    std::string content;
    std::vector<Line> lines;
  };
  const Case cases[] = {
      {"", {}},
      {"a\nb\n", {{1, "a"}, {2, "b"}}},
      {"a\nb", {{1, "a"}, {2, "b"}}},  // no newline at the end
      {"\n\n", {{1, ""}, {2, ""}}},
      {"fib 1; fib 2\n", {{1, "fib 1; fib 2"}}},  // ';' only in --tasks
      {"echo 'a\nb'\n", {{1, "echo 'a"}, {2, "b'"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.content));
    EXPECT_EQ(ReadFileLines(c.content), c.lines);
  }
}

TEST(LineReader, LinesCrossChunkBoundaries) {
  const std::string before(kChunk - 10, 'a');   // ends 9 bytes before 1 MiB
  const std::string across(100, 'b');           // spans the first boundary
  const std::string huge(2 * kChunk + 5, 'c');  // spans two more
  const std::string exact(kChunk - 1, 'd');     // its newline ends a chunk?
  const std::string content =
      absl::StrCat(before, "\n", across, "\n", huge, "\n", exact, "\n", "tail");
  EXPECT_EQ(ReadFileLines(content),
            (std::vector<Line>{
                {1, before}, {2, across}, {3, huge}, {4, exact}, {5, "tail"}}));
}

TEST(LineReader, NewlineAsTheLastByteOfAChunk) {
  const std::string first(kChunk - 1, 'x');
  EXPECT_EQ(ReadFileLines(absl::StrCat(first, "\nnext\n")),
            (std::vector<Line>{{1, first}, {2, "next"}}));
}

TEST(LineReader, ManyShortLinesKeepTheirNumbers) {
  std::string content;
  for (int i = 1; i <= 300000; ++i) absl::StrAppend(&content, "fib ", i, "\n");
  std::vector<Line> lines = ReadFileLines(content);  // about 3.3 chunks
  ASSERT_EQ(lines.size(), 300000u);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != Line{i + 1, absl::StrCat("fib ", i + 1)}) {
      FAIL() << "line " << i + 1 << " read as " << lines[i];
    }
  }
}

TEST(LineReader, AcceptsALineOf16MiB) {
  const std::string line(16 << 20, 'x');
  std::vector<Line> lines =
      ReadFileLines(absl::StrCat("fib 1\n", line, "\nfib 2\n"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].text.size(), line.size());
}

TEST(LineReader, RejectsALineLongerThan16MiB) {
  struct Case {
    const char* what;
    std::string tail;
  };
  const Case cases[] = {{"one byte over", "\nfib 2\n"},
                        {"one byte over, last line", ""}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    std::string path = testutil::TempPath("long.txt");
    testutil::WriteFile(
        path,
        absl::StrCat("fib 1\n", std::string((16 << 20) + 1, 'x'), c.tail));
    absl::StatusOr<LineReader> in = LineReader::OpenFile(path, "long.txt");
    ASSERT_TRUE(in.ok());
    ASSERT_TRUE(in->Next().ok());
    absl::StatusOr<std::optional<absl::string_view>> line = in->Next();
    EXPECT_EQ(line.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(line.status().message(), "long.txt:2: line longer than 16 MiB");
  }
}

TEST(LineReader, MissingFileIsNotFoundUnderItsDisplayName) {
  absl::StatusOr<LineReader> in =
      LineReader::OpenFile(testutil::TempPath("absent.txt"), "tasks.txt");
  EXPECT_EQ(in.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(in.status().message(), "tasks.txt: No such file or directory");
}

TEST(LineReader, NameIsTheDisplayNameOrElseThePath) {
  std::string path = testutil::TempPath("named.txt");
  testutil::WriteFile(path, "fib 1\n");
  absl::StatusOr<LineReader> plain = LineReader::OpenFile(path);
  absl::StatusOr<LineReader> named = LineReader::OpenFile(path, "jobs");
  ASSERT_TRUE(plain.ok() && named.ok());
  EXPECT_EQ(plain->name(), path);
  EXPECT_EQ(named->name(), "jobs");
}

TEST(LineReader, MovedReaderGoesOnWhereItWas) {
  std::string path = testutil::TempPath("moved.txt");
  testutil::WriteFile(path, "one\ntwo\nthree\n");
  absl::StatusOr<LineReader> in = LineReader::OpenFile(path);
  ASSERT_TRUE(in.ok());
  ASSERT_TRUE(in->Next().ok());
  LineReader moved = *std::move(in);
  EXPECT_EQ(ReadAll(moved), (std::vector<Line>{{2, "two"}, {3, "three"}}));
}

TEST(LineReader, TasksTextSplitsAtSemicolonsOutsideQuotes) {
  struct Case {
    std::string text;
    std::vector<Line> lines;
  };
  const Case cases[] = {
      {"fib 30; fib 1..10", {{1, "fib 30"}, {2, " fib 1..10"}}},
      {"fib 1\nfib 2;fib 3", {{1, "fib 1"}, {2, "fib 2"}, {3, "fib 3"}}},
      {"echo 'a;b'; fib 1", {{1, "echo 'a;b'"}, {2, " fib 1"}}},
      {"echo \"a;\\\"b;\"; fib 1", {{1, "echo \"a;\\\"b;\""}, {2, " fib 1"}}},
      {"echo 'a\\'; fib 1",
       {{1, "echo 'a\\'"}, {2, " fib 1"}}},  // no escapes in '...'
      {"echo 'open; fib 1",
       {{1, "echo 'open; fib 1"}}},  // the tokenizer will object
      {"fib 1;", {{1, "fib 1"}}},
      {";;", {{1, ""}, {2, ""}}},
      {"", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ReadTextLines(c.text), c.lines);
  }
}

TEST(LineReader, OpensAFifoWithoutWaitingForItsWriter) {
  const std::string fifo = testutil::TempPath("tasks.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto opened = std::async(std::launch::async,
                           [&] { return LineReader::OpenFile(fifo, "fifo"); });
  const bool at_once =
      opened.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  if (!at_once) {  // unblock the open() for the test to end
    close(open(fifo.c_str(), O_WRONLY | O_CLOEXEC));
  }
  ASSERT_TRUE(at_once) << "open() waited for a writer";
  absl::StatusOr<LineReader> in = opened.get();
  ASSERT_TRUE(in.ok()) << in.status();
  // Now the writer comes: its lines, then the end when it closes.
  int fd = open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "fib 1\nfib 2\n", 12), 12);
  close(fd);
  EXPECT_EQ(ReadAll(*in), (std::vector<Line>{{1, "fib 1"}, {2, "fib 2"}}));
}

TEST(LineReader, CancelStopsAWaitOnASilentPipe) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  ASSERT_EQ(write(fds[1], "fib 1\n", 6), 6);
  LineReader in = LineReader::FromFd(fds[0], "pipe");
  CancelFlag cancel;
  in.WatchCancel(&cancel);
  ASSERT_TRUE(in.Next().ok());
  auto next = std::async(std::launch::async, [&] { return in.Next(); });
  cancel.Cancel();
  const bool stopped =
      next.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  close(fds[1]);  // ends a read that ignored the cancel
  ASSERT_TRUE(stopped) << "the read went on waiting";
  absl::StatusOr<std::optional<absl::string_view>> line = next.get();
  EXPECT_EQ(line.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(line.status().message(), "pipe: reading cancelled");
}

}  // namespace
}  // namespace taskfarm::master
