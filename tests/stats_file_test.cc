// Tests of master::CheckStatsFile and WriteStatsFile (issue 10.16: an
// unwritable --stats-json was silently ignored, exit 0).

#include "master/stats_file.h"

#include <sys/stat.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testutil/files.h"

namespace taskfarm::master {
namespace {

TEST(StatsFile, APathThatCannotBeWrittenIsRefusedEarly) {
  const std::string dir = testutil::TempPath("dir");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  for (const std::string& path :
       {std::string("/nonexistent/stats.json"), dir, dir + "/missing/x.json"}) {
    SCOPED_TRACE(path);
    absl::Status s = CheckStatsFile(path);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(s.message(), "cannot write --stats-json=" + path))
        << s;
  }
}

TEST(StatsFile, ACheckChangesNothing) {
  const std::string fresh = testutil::TempPath("stats.json");
  EXPECT_TRUE(CheckStatsFile(fresh).ok());
  EXPECT_FALSE(testutil::FileExists(fresh));
  const std::string old = testutil::TempPath("old.json");
  testutil::WriteFile(old, "{\"old\":1}\n");
  EXPECT_TRUE(CheckStatsFile(old).ok());
  EXPECT_EQ(testutil::ReadFile(old), "{\"old\":1}\n");
  EXPECT_TRUE(CheckStatsFile("/dev/null").ok());
}

TEST(StatsFile, WritesTheWholeSummary) {
  const std::string path = testutil::TempPath("stats.json");
  testutil::WriteFile(path, "a longer old content that must go away\n");
  ASSERT_TRUE(WriteStatsFile(path, "{\"ok\":1}\n").ok());
  EXPECT_EQ(testutil::ReadFile(path), "{\"ok\":1}\n");
}

TEST(StatsFile, ALateFailureIsReported) {
  // /dev/full passes the early check (it opens) and fails the write, as a
  // disk that filled during the batch does.
  ASSERT_TRUE(CheckStatsFile("/dev/full").ok());
  absl::Status s = WriteStatsFile("/dev/full", "{\"ok\":1}\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(s.message(), "No space left")) << s;
}

}  // namespace
}  // namespace taskfarm::master
