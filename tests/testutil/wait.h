// File: tests/testutil/wait.h
//
// WaitUntil polls a condition until it holds or a deadline passes: how a
// test waits for a real process (a child exiting, a file appearing) without
// a fixed sleep. The deadline is generous; it only bounds a broken test.
//
// Example:
//   ASSERT_TRUE(testutil::WaitUntil([&] { return Exists(path); }));
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_WAIT_H_
#define TASKFARM_TESTS_TESTUTIL_WAIT_H_

#include <chrono>
#include <thread>

namespace taskfarm::testutil {

inline constexpr std::chrono::seconds kWaitDeadline{30};

// True as soon as `condition()` is; false if it still is not at the deadline.
template <typename Condition>
[[nodiscard]] bool WaitUntil(
    Condition condition, std::chrono::milliseconds deadline = kWaitDeadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_WAIT_H_
