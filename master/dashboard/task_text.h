// File: master/dashboard/task_text.h
//
// TaskText writes a task as a line of the task language, for people to read
// on the dashboard: `fib 30`, `fail "a message"`. Arguments with blanks,
// quotes or control characters are double-quoted with the language's
// escapes; a line longer than kMaxTaskText bytes is cut and ends in "..."
// (CutText, also used for messages).
//
// Thread-safe (a pure function).

#ifndef TASKFARM_MASTER_DASHBOARD_TASK_TEXT_H_
#define TASKFARM_MASTER_DASHBOARD_TASK_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "proto/value.h"

namespace taskfarm::master::dashboard {

inline constexpr size_t kMaxTaskText = 200;

std::string TaskText(absl::string_view kind, absl::Span<const proto::Value> args);

// Cuts `text` to at most `max_bytes` bytes, never inside a UTF-8 sequence,
// and appends "..." if anything was cut.
void CutText(std::string* text, size_t max_bytes);

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_TASK_TEXT_H_
