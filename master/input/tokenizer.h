// File: master/input/tokenizer.h
//
// Splits one line of the task language into words:
//
//   fib 30                      -> fib, 30
//   exec sh -c 'echo "a b"'     -> exec, sh, -c, echo "a b"
//   fail "two\twords"  # why    -> fail, two<TAB>words   (comment dropped)
//
// Words are separated by blanks. '...' quotes literally; "..." allows the
// escapes \" \\ \n \t. A '#' that starts a word starts a comment. A quoted
// word is marked as such: it is never read as a range.
//
// Thread-compatible: a Tokenizer reuses its storage from line to line.

#ifndef TASKFARM_MASTER_INPUT_TOKENIZER_H_
#define TASKFARM_MASTER_INPUT_TOKENIZER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace taskfarm::master {

struct Word {
  absl::string_view text;  // valid until the next Tokenize
  bool quoted = false;
};

class Tokenizer {
 public:
  // Splits `line` into words(). Returns kInvalidArgument for an unclosed
  // quote or an unknown escape. Words view into `line` or into this
  // object's storage; both must outlive their use.
  absl::Status Tokenize(absl::string_view line);
  const std::vector<Word>& words() const { return words_; }

 private:
  std::vector<Word> words_;
  std::string unescaped_;  // words that needed unescaping, back to back
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_TOKENIZER_H_
