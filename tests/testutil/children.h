// File: tests/testutil/children.h
//
// Child processes for tests of process supervision.
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_CHILDREN_H_
#define TASKFARM_TESTS_TESTUTIL_CHILDREN_H_

#include <string>
#include <vector>

namespace taskfarm::testutil {

// A command that ignores SIGTERM (the disposition survives its exec of
// sleep), creates the file `ready` once it does, and runs for ever.
// Wait for `ready` before signalling it.
inline std::vector<std::string> IgnoresSigterm(const std::string& ready) {
  return {"/bin/sh", "-c", "trap '' TERM; : > \"$0\"; exec sleep 1000", ready};
}

// A command that runs until it is signalled.
inline std::vector<std::string> SleepsForever() {
  return {"/bin/sleep", "1000"};
}

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_CHILDREN_H_
