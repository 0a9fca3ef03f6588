// File: journal/task_words.h
//
// A task written back as a line of the task language (master/input/
// tokenizer.h), for the csv output's args column and for people (the
// dashboard, the summary): `fib 30`, `fail "a message"`. A word is bare
// when the tokenizer would read it back as it is, else double-quoted with
// the language's escapes (\" \\ \n \t); numbers are written in their
// shortest exact form. CutText shortens text for display without splitting
// a UTF-8 sequence.
//
// Example:
//   std::string line = journal::TaskLine("fail", args, 200);  // fail "a b"
//
// Thread-safe (pure functions).

#ifndef TASKFARM_JOURNAL_TASK_WORDS_H_
#define TASKFARM_JOURNAL_TASK_WORDS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "proto/value.h"

namespace taskfarm::journal {

// Appends `word` as one word of the task language.
void AppendTaskWord(absl::string_view word, std::string* out);

// Appends `args`, blank-separated: numbers as numbers, strings as words.
void AppendTaskArgs(absl::Span<const proto::Value> args, std::string* out);

// `kind` and its `args` as one line, cut by CutText to `max_bytes`.
std::string TaskLine(absl::string_view kind, absl::Span<const proto::Value> args,
                     size_t max_bytes);

// Cuts `text` to at most `max_bytes` bytes, never inside a UTF-8 sequence,
// and appends "..." if anything was cut.
void CutText(std::string* text, size_t max_bytes);

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_TASK_WORDS_H_
