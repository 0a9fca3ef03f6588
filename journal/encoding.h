// File: journal/encoding.h
//
// How a string (a task's kind, argument or result: any bytes) is written in
// each output format, losslessly. One rule for all three formats: a string
// that is valid UTF-8 is written as text; one that is not (raw bytes) is
// written as the base64 of its exact bytes, marked so that no text can be
// mistaken for it:
//
//   jsonl  a JSON string "..." (only " \ and control characters escaped),
//          or, for bytes that are not UTF-8, the object {"base64":"..."}
//   csv    an RFC 4180 field (quoted when it holds , " CR or LF), or, for
//          bytes that are not UTF-8 and for text that starts with
//          "base64:", the field base64:... (no quotes needed)
//   text   for people, one line: UTF-8 as it is, \\ for a backslash, \n
//          and \t, and \xNN for any other control byte and for each byte
//          that is not part of valid UTF-8
//
// Valid UTF-8 is as RFC 3629 defines it (what JSON parsers check): no
// overlong forms, no UTF-16 surrogates, nothing above U+10FFFF.
//
// The Write* functions write at `out`, which must have room for the
// matching *Bound(s.size()) bytes, and return the end of what they wrote:
// the logger formats straight into its output buffer. AppendJsonText is the
// same rule for code off the hot path (the master's --stats-json).
//
// Thread-safe.

#ifndef TASKFARM_JOURNAL_ENCODING_H_
#define TASKFARM_JOURNAL_ENCODING_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace taskfarm::journal {

// Whether `s` is valid UTF-8.
bool IsUtf8(absl::string_view s);

// The CSV marker of a base64 field.
inline constexpr absl::string_view kCsvBase64Prefix = "base64:";

constexpr size_t JsonTextBound(size_t n) { return 6 * n + 16; }
constexpr size_t CsvFieldBound(size_t n) { return 2 * n + 16; }
constexpr size_t TextBound(size_t n) { return 4 * n; }

// "..." with JSON escapes, or {"base64":"..."}.
char* WriteJsonText(absl::string_view s, char* out);
void AppendJsonText(absl::string_view s, std::string* out);

// One csv field.
char* WriteCsvField(absl::string_view s, char* out);

// Escaped for a one-line text record (no quotes around it).
char* WriteText(absl::string_view s, char* out);

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_ENCODING_H_
