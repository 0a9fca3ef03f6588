// Tests of master::OutputFile: the output is claimed before any task runs
// (one batch per file, through OFD locks, which conflict between two opens
// even within one process), devices and pipes are streams, and Start hands
// the loggers what it found in one scan.

#include "master/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "journal/handoff.h"
#include "journal/output_lock.h"
#include "tests/testutil/files.h"

namespace taskfarm::master {
namespace {

using journal::Format;

constexpr char kStamp[] = "taskfarm fingerprint F tasks 10\n";

TEST(OutputFile, ASecondBatchOnTheSameFileIsRefused) {
  const std::string path = testutil::TempPath("out.jsonl");
  absl::StatusOr<OutputFile> first = OutputFile::Open(path, false);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->is_file());
  absl::StatusOr<OutputFile> second = OutputFile::Open(path, false);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(second.status().message(),
                                "being written by another taskfarm batch"))
      << second.status();
  EXPECT_EQ(OutputFile::Open(path, true).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "--resume reads the file: locked too";
  first = absl::UnknownError("released");  // the first batch ends
  EXPECT_TRUE(OutputFile::Open(path, false).ok());
}

TEST(OutputFile, ALoggerOfAnEarlierBatchStillWritingIsNoticed) {
  const std::string path = testutil::TempPath("out.jsonl");
  const int logger = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(logger, 0);
  ASSERT_EQ(journal::LockByte(logger, journal::kLoggerLockByte),
            journal::LockResult::kLocked);
  absl::StatusOr<OutputFile> out =
      OutputFile::Open(path, false, std::chrono::milliseconds(0));
  EXPECT_TRUE(absl::StrContains(out.status().message(), "logger of an earlier batch"))
      << out.status();
  // One that finishes while the master waits (the default grace) is waited
  // for.
  std::thread finishes([logger] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    close(logger);
  });
  EXPECT_TRUE(OutputFile::Open(path, false).ok());
  finishes.join();
}

TEST(OutputFile, DevicesAndPipesAreStreams) {
  const std::string fifo = testutil::TempPath("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {std::string("/dev/null"), fifo}) {
    SCOPED_TRACE(path);
    absl::StatusOr<OutputFile> out = OutputFile::Open(path, false);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_FALSE(out->is_file());
    const std::string handoff = testutil::TempPath("handoff");
    ASSERT_TRUE(out->Start(Format::kJsonl, 10, "F", handoff).ok());
    EXPECT_FALSE(testutil::FileExists(path + ".taskfarm"));
    absl::StatusOr<journal::Handoff> h = journal::ReadHandoff(handoff);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->id_limit, 10u);
    EXPECT_EQ(h->inode, 0u);
    absl::StatusOr<OutputFile> resumed = OutputFile::Open(path, true);
    EXPECT_TRUE(absl::StrContains(resumed.status().message(),
                                  "--resume needs a regular file"))
        << resumed.status();
  }
  EXPECT_TRUE(absl::StrContains(
      OutputFile::Open("/dev/null", true).status().message(), "character device"));
}

TEST(OutputFile, DescriptorNamesAreStreamsWhateverTheyPointAt) {
  // /dev/stdout of a test is a file; it is still never locked, cut or
  // given a side file (issue 10.19: /dev/stdout.taskfarm was created).
  for (const char* path : {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/2"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(journal::IsStream(path));
  }
  EXPECT_FALSE(journal::IsStream(testutil::TempPath("out.jsonl")));
}

TEST(OutputFile, StartCutsTheFileAndKeepsTheFingerprint) {
  const std::string path = testutil::TempPath("out.jsonl");
  const std::string before = "{\"id\":3,\"task\":\"x\"}\n";
  testutil::WriteFile(path, before);
  absl::StatusOr<OutputFile> out = OutputFile::Open(path, false);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(testutil::ReadFile(path), before) << "kept until Start";
  const std::string handoff = testutil::TempPath("handoff");
  ASSERT_TRUE(out->Start(Format::kJsonl, 10, "F", handoff).ok());
  EXPECT_EQ(testutil::ReadFile(path), "");
  EXPECT_EQ(testutil::ReadFile(path + ".taskfarm"), kStamp);
  EXPECT_EQ(out->done(), nullptr);
  absl::StatusOr<journal::Handoff> h = journal::ReadHandoff(handoff);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->start_offset, 0u);
  EXPECT_EQ(h->written.size(), 0u);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(h->inode, st.st_ino);
}

TEST(OutputFile, ResumeScansOnceAndHandsOverWhatItFound) {
  const std::string path = testutil::TempPath("out.jsonl");
  const std::string records = "{\"id\":0,\"x\":1}\n{\"id\":7,\"x\":1}\n";
  testutil::WriteFile(path, records + "{\"id\":8,\"x");  // a torn last line
  testutil::WriteFile(path + ".taskfarm", kStamp);
  absl::StatusOr<OutputFile> out = OutputFile::Open(path, true);
  ASSERT_TRUE(out.ok());
  const std::string handoff = testutil::TempPath("handoff");
  ASSERT_TRUE(out->Start(Format::kJsonl, 10, "F", handoff).ok());
  EXPECT_EQ(testutil::ReadFile(path), records) << "the torn line is cut";
  ASSERT_NE(out->done(), nullptr);
  EXPECT_EQ(out->done()->size(), 2u);
  absl::StatusOr<journal::Handoff> h = journal::ReadHandoff(handoff);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->start_offset, records.size());
  EXPECT_EQ(h->written.size(), 2u);
  EXPECT_TRUE(h->written.Contains(0));
  EXPECT_TRUE(h->written.Contains(7));
}

TEST(OutputFile, ResumeOfAnotherTaskListIsRefused) {
  const std::string path = testutil::TempPath("out.jsonl");
  testutil::WriteFile(path, "{\"id\":0,\"x\":1}\n");
  testutil::WriteFile(path + ".taskfarm", "taskfarm fingerprint G tasks 10\n");
  absl::StatusOr<OutputFile> out = OutputFile::Open(path, true);
  ASSERT_TRUE(out.ok());
  absl::Status s = out->Start(Format::kJsonl, 10, "F", testutil::TempPath("h"));
  EXPECT_TRUE(absl::StrContains(s.message(), "different task list")) << s;
}

}  // namespace
}  // namespace taskfarm::master
