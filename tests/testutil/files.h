// File: tests/testutil/files.h
//
// Scratch files for tests: paths inside the test's private temporary
// directory ($TEST_TMPDIR under Bazel), and whole-file reads and writes.
//
// Example:
//   const std::string path = TempPath("input");
//   WriteFile(path, "abc");
//   EXPECT_EQ(ReadFile(path), "abc");
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_FILES_H_
#define TASKFARM_TESTS_TESTUTIL_FILES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace taskfarm::testutil {

// $TEST_TMPDIR/name (/tmp/name outside Bazel).
std::string TempPath(absl::string_view name);

// The whole file, or "" if it cannot be read.
std::string ReadFile(const std::string& path);

// Replaces the file's contents with `bytes`; a failure fails the test.
void WriteFile(const std::string& path, absl::string_view bytes);

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_FILES_H_
