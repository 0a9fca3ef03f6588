// Tests of base::FindProgram: PATH lookup as a shell does it.

#include "base/find_program.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testutil/files.h"

namespace taskfarm::base {
namespace {

// Sets PATH for the scope of one test.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& path) {
    const char* old = getenv("PATH");
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv("PATH", path.c_str(), 1);
  }
  ~ScopedPath() {
    if (had_) setenv("PATH", old_.c_str(), 1);
    else unsetenv("PATH");
  }

 private:
  bool had_ = false;
  std::string old_;
};

TEST(FindProgram, SearchesPath) {
  absl::StatusOr<std::string> sh = FindProgram("sh");
  ASSERT_TRUE(sh.ok()) << sh.status();
  EXPECT_TRUE(absl::EndsWith(*sh, "/sh")) << *sh;
  EXPECT_EQ(access(sh->c_str(), X_OK), 0);
}

TEST(FindProgram, TakesPathsAsTheyAre) {
  EXPECT_EQ(FindProgram("./x").value_or(""), "./x");
  EXPECT_EQ(FindProgram("/no/such").value_or(""), "/no/such");
}

TEST(FindProgram, MissingIsNotFound) {
  absl::StatusOr<std::string> r = FindProgram("no-such-program-here");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "no-such-program-here: No such file or directory");
}

TEST(FindProgram, SkipsDirectoriesAndUnexecutableFilesInOrder) {
  const std::string first = testutil::TempPath("path_first");
  const std::string second = testutil::TempPath("path_second");
  ASSERT_EQ(mkdir(first.c_str(), 0700), 0);
  ASSERT_EQ(mkdir(second.c_str(), 0700), 0);
  ASSERT_EQ(mkdir((first + "/tool").c_str(), 0700), 0);  // a directory
  testutil::WriteFile(second + "/tool", "#!/bin/sh\n");
  ASSERT_EQ(chmod((second + "/tool").c_str(), 0755), 0);
  testutil::WriteFile(first + "/plain", "data\n");  // not executable
  ScopedPath path(first + ":" + second);
  EXPECT_EQ(FindProgram("tool").value_or(""), second + "/tool");
  absl::StatusOr<std::string> plain = FindProgram("plain");
  EXPECT_EQ(plain.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(plain.status().message(), "plain: Permission denied");
}

TEST(FindProgram, EmptyEntryIsTheCurrentDirectory) {
  const std::string dir = testutil::TempPath("path_cwd");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  testutil::WriteFile(dir + "/here", "#!/bin/sh\n");
  ASSERT_EQ(chmod((dir + "/here").c_str(), 0755), 0);
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(chdir(dir.c_str()), 0);
  {
    ScopedPath path("/nonexistent:");
    EXPECT_EQ(FindProgram("here").value_or(""), "./here");
  }
  ASSERT_EQ(chdir(cwd), 0);
}

}  // namespace
}  // namespace taskfarm::base
