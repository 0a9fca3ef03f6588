// File: base/shell_quote.h
//
// Quoting for a POSIX shell, exactly as GNU Parallel quotes its replacement
// values (Parallel's Q(), shell_quote_scalar_default): a string made only
// of [-_.+a-zA-Z0-9/] stays as it is, the empty string becomes '', and
// anything else is put in single quotes, each ' written as '"'"' (with the
// useless '' at either end dropped). Used for the commands that
// `taskfarm --dry-run` prints, for `sh -c` scripts in command templates,
// and for the Command column of a joblog.
//
// Example:
//   ShellQuote("a b")   -> 'a b'
//   ShellQuote("it's")  -> 'it'"'"'s'
//   ShellQuote("x.gz")  -> x.gz
//
// Thread-safe (pure functions).

#ifndef TASKFARM_BASE_SHELL_QUOTE_H_
#define TASKFARM_BASE_SHELL_QUOTE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace taskfarm::base {

// `text` quoted as GNU Parallel quotes a value for sh and bash.
std::string ShellQuote(absl::string_view text);

// Whether a shell reads `text` literally inside a word that is not the
// first of a command: no blank, quote, glob, expansion or operator
// character (Parallel's safe set, plus = : , @ % ^). The empty string is
// not (it would vanish).
bool IsShellLiteral(absl::string_view text);

// `argv` as one command line for a shell: each word ShellQuote()d, joined
// by single blanks.
std::string ShellJoin(const std::vector<std::string>& argv);

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_SHELL_QUOTE_H_
