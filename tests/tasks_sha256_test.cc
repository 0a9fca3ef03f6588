// Tests of the sha256 and sha256file task kinds against the FIPS 180-2 test
// vectors, and of sha256file's streaming and errors.

#include <sys/stat.h>

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testutil/files.h"
#include "tests/testutil/run_task.h"

namespace taskfarm {
namespace {

using testutil::ExpectError;
using testutil::ExpectResults;
using testutil::RunTask;
using testutil::TempPath;
using testutil::WriteFile;

constexpr char kEmptyDigest[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbcDigest[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// The digest of a million 'a's (FIPS 180-2, appendix B.3).
constexpr char kMillionADigest[] =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Sha256, TestVectors) {
  ExpectResults(
      "sha256",
      {
          {{""}, kEmptyDigest},
          {{"abc"}, kAbcDigest},
          {{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"},
           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
          {{std::string(1000000, 'a')}, kMillionADigest},
      });
}

TEST(Sha256, HashesEveryByteIncludingNul) {
  absl::StatusOr<std::string> with_nul =
      RunTask("sha256", {std::string("a\0b", 3)});
  absl::StatusOr<std::string> without = RunTask("sha256", {"ab"});
  ASSERT_TRUE(with_nul.ok() && without.ok());
  EXPECT_NE(*with_nul, *without);
}

TEST(Sha256File, MatchesTestVectors) {
  // A million bytes spans many read chunks, with a partial one at the end.
  const std::string empty = TempPath("empty");
  const std::string abc = TempPath("abc");
  const std::string million = TempPath("million");
  WriteFile(empty, "");
  WriteFile(abc, "abc");
  WriteFile(million, std::string(1000000, 'a'));
  ExpectResults("sha256file", {
                                  {{empty}, kEmptyDigest},
                                  {{abc}, kAbcDigest},
                                  {{million}, kMillionADigest},
                              });
}

TEST(Sha256File, MissingFileNamesPathAndReason) {
  const std::string path = TempPath("no_such_file");
  ExpectError("sha256file", {path}, absl::StatusCode::kNotFound,
              "sha256file: " + path + ": No such file or directory");
}

TEST(Sha256File, DirectoryIsAnError) {
  const std::string dir = TempPath("dir");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  ExpectError("sha256file", {dir}, absl::StatusCode::kFailedPrecondition,
              "sha256file: " + dir + ": Is a directory");
}

}  // namespace
}  // namespace taskfarm
