// File: tests/testutil/printers.h
//
// GoogleTest printers for our enums, so failures read "up" rather than
// "4-byte object <02-00 00-00>". Found by argument-dependent lookup.

#ifndef TASKFARM_TESTS_TESTUTIL_PRINTERS_H_
#define TASKFARM_TESTS_TESTUTIL_PRINTERS_H_

#include <ostream>

#include "proto/messages.h"
#include "supervise/child_state.h"

namespace taskfarm::supervise {
inline void PrintTo(ChildState state, std::ostream* os) {
  *os << ChildStateName(state);
}
}  // namespace taskfarm::supervise

namespace taskfarm::proto {
inline void PrintTo(TaskStatus status, std::ostream* os) {
  *os << TaskStatusName(status);
}
}  // namespace taskfarm::proto

#endif  // TASKFARM_TESTS_TESTUTIL_PRINTERS_H_
