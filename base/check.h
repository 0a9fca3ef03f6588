// File: base/check.h
//
// TF_CHECK(cond) aborts the process with the file, line and condition when an
// invariant of our own code is broken. It is not for input validation: bad
// input (frames, task files, flags) is reported with absl::Status. Abseil
// 20220623, the version Debian ships, has no absl/log, hence this macro.
//
// Thread-safe: it only writes to stderr and aborts.

#ifndef TASKFARM_BASE_CHECK_H_
#define TASKFARM_BASE_CHECK_H_

namespace taskfarm::base {

// Prints "FILE:LINE: check failed: CONDITION" to stderr and aborts.
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition);

}  // namespace taskfarm::base

#define TF_CHECK(condition)                                             \
  do {                                                                  \
    if (!(condition)) [[unlikely]]                                      \
      ::taskfarm::base::CheckFailed(__FILE__, __LINE__, #condition);    \
  } while (false)

#endif  // TASKFARM_BASE_CHECK_H_
