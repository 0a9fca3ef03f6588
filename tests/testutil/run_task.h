// File: tests/testutil/run_task.h
//
// RunTask runs one task kind from the global registry the way a worker runs
// an input line "KIND ARG...": it parses each text argument against the
// kind's signature, builds a Call and calls the kind's function. Tests of the
// task library use it so that they exercise the registered name, signature
// and function together.
//
// Example:
//   absl::StatusOr<std::string> r = RunTask("fibmod", {"10", "7"});
//   EXPECT_EQ(*r, "6");
//   ExpectResults("fib", {{{"10"}, "55"}, {{"20"}, "6765"}});
//   ExpectError("fib", {"-1"}, absl::StatusCode::kInvalidArgument,
//               "fib: n must be >= 0, got -1");
//
// Thread-compatible (the task functions themselves are single-threaded).

#ifndef TASKFARM_TESTS_TESTUTIL_RUN_TASK_H_
#define TASKFARM_TESTS_TESTUTIL_RUN_TASK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tasks/task.h"

namespace taskfarm::testutil {

// Where RunTask says a call comes from: its task id, attempt and batch
// settings.
struct CallContext {
  uint64_t id = 1;
  uint32_t attempt = 1;
  tasks::Env env;
};

// Returns the task's result, or its error. Returns kNotFound for an unknown
// kind and kInvalidArgument when the arguments do not fit its signature
// (the worker would have rejected such a line before running it).
absl::StatusOr<std::string> RunTask(absl::string_view kind,
                                    const std::vector<std::string>& args,
                                    const CallContext& context = {});

// One row of a table-driven test: the arguments and the result expected.
struct TaskCase {
  std::vector<std::string> args;
  std::string want;
};

// Runs `kind` on each case and expects it to succeed with `want`; failures
// name the call, e.g. "fibmod 10 7".
void ExpectResults(absl::string_view kind, const std::vector<TaskCase>& cases);

// Expects `kind` on `args` to fail with exactly `code` and `message`.
void ExpectError(absl::string_view kind, const std::vector<std::string>& args,
                 absl::StatusCode code, absl::string_view message);

// Expects `kind` to give the same result twice on `args`, and a different
// one on `other_args` (another seed, say): the result depends on its inputs
// and on nothing else.
void ExpectReproducible(absl::string_view kind,
                        const std::vector<std::string>& args,
                        const std::vector<std::string>& other_args);

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_RUN_TASK_H_
