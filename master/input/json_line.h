// File: master/input/json_line.h
//
// JSON lines, for machine-written input: a line that starts with '{' is one
// task as a JSON object,
//
//   {"task": "fib", "args": [30]}
//   {"task": "exec", "args": ["sh", "-c", "echo a b"]}
//
// and may be mixed freely with lines of the task language. Arguments are
// numbers or strings, checked against the kind's signature like any
// other argument (a JSON string is never a range).
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_INPUT_JSON_LINE_H_
#define TASKFARM_MASTER_INPUT_JSON_LINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "master/input/tokenizer.h"

namespace taskfarm::master {

// Whether `line` is a JSON task (its first non-blank character is '{').
bool IsJsonLine(absl::string_view line);

// Turns a JSON task into words (kind first), as the tokenizer would give
// them, all marked quoted. The words view into `storage`. Returns
// kInvalidArgument for bad JSON or a bad shape, saying what is wrong.
absl::Status JsonToWords(absl::string_view line, std::vector<Word>* words,
                         std::string* storage);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_JSON_LINE_H_
