// Tests of the sha256 and sha256file task kinds against the FIPS 180-2 test
// vectors, and of sha256file's streaming and errors.

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::RunTask;

constexpr char kEmptyDigest[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbcDigest[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// The digest of a million 'a's (FIPS 180-2, appendix B.3).
constexpr char kMillionADigest[] =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

// A path for a scratch file inside the test's temporary directory.
std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

TEST(Sha256, TestVectors) {
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"", kEmptyDigest},
      {"abc", kAbcDigest},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'), kMillionADigest},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("sha256 of " + std::to_string(c.text.size()) + " bytes");
    absl::StatusOr<std::string> r = RunTask("sha256", {c.text});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, c.want);
  }
}

TEST(Sha256, HashesEveryByteIncludingNul) {
  absl::StatusOr<std::string> with_nul =
      RunTask("sha256", {std::string("a\0b", 3)});
  absl::StatusOr<std::string> without = RunTask("sha256", {"ab"});
  ASSERT_TRUE(with_nul.ok() && without.ok());
  EXPECT_NE(*with_nul, *without);
}

TEST(Sha256File, MatchesTestVectors) {
  struct Case {
    std::string name, bytes, want;
  };
  // A million bytes spans many read chunks, with a partial one at the end.
  const std::vector<Case> cases = {
      {"empty", "", kEmptyDigest},
      {"abc", "abc", kAbcDigest},
      {"million", std::string(1000000, 'a'), kMillionADigest},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("sha256file " + c.name);
    const std::string path = TempPath("sha256_" + c.name);
    WriteFile(path, c.bytes);
    absl::StatusOr<std::string> r = RunTask("sha256file", {path});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, c.want);
  }
}

TEST(Sha256File, MissingFileNamesPathAndReason) {
  const std::string path = TempPath("no_such_file");
  absl::StatusOr<std::string> r = RunTask("sha256file", {path});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "sha256file: " + path + ": No such file or directory");
}

TEST(Sha256File, DirectoryIsAnError) {
  const std::string dir = TempPath("");
  absl::StatusOr<std::string> r = RunTask("sha256file", {dir});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "sha256file: " + dir + ": Is a directory");
}

}  // namespace
}  // namespace taskfarm
