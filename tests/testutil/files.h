// File: tests/testutil/files.h
//
// Scratch files for tests, under Bazel's TEST_TMPDIR (or /tmp when run by
// hand). Each TempPath is new within the test binary, so tests never see
// each other's files.
//
// Example:
//   std::string path = testutil::TempPath("tasks.txt");
//   testutil::WriteFile(path, "fib 1..3\n");
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_FILES_H_
#define TASKFARM_TESTS_TESTUTIL_FILES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace taskfarm::testutil {

// A path that does not exist yet, ending in `name`.
std::string TempPath(absl::string_view name);

// Writes `content` to `path`, replacing it; aborts the test binary if it
// cannot (a broken test machine, not a test failure).
void WriteFile(const std::string& path, absl::string_view content);

// The whole file; aborts if it cannot be read.
std::string ReadFile(const std::string& path);

bool FileExists(const std::string& path);

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_FILES_H_
