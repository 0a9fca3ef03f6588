// File: base/signal_name.h
//
// Signal numbers and their names, the one way taskfarm writes and reads
// them: "SIGSEGV" for 11, "signal 99" for a number with no name.
//
// Example:
//   SignalName(SIGTERM)    // "SIGTERM"
//   SignalNumber("segv")   // 11 (also "SEGV", "SIGSEGV", "11")
//
// Thread-safe.

#ifndef TASKFARM_BASE_SIGNAL_NAME_H_
#define TASKFARM_BASE_SIGNAL_NAME_H_

#include <string>

#include "absl/strings/string_view.h"

namespace taskfarm::base {

// "SIGSEGV"; "signal N" for a number without a name.
std::string SignalName(int sig);

// The number of a signal written as "SIGSEGV", "SEGV" (any case) or "11";
// 0 if it names no signal.
int SignalNumber(absl::string_view name);

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_SIGNAL_NAME_H_
