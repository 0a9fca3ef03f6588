// File: master/template/command_template.h
//
// A command template of GNU Parallel, `gzip -9 {}` or `convert {} {.}.png`,
// and the argv it gives for each job. Replacement strings, anywhere in a
// word:
//
//   {}  the value        {.}  without extension    {/}  basename
//   {//} dirname         {/.} basename, no ext     {#}  job number (1...)
//   {%}  job slot        {N} {N.} {N/} {N//} {N/.}  the same, of source N
//
// With several sources, {} (and {.}...) stand for every value of the job. A
// template with no replacement string gets the job's values appended, one
// argument each.
//
// taskfarm runs no shell: each word of the template is one argument, and a
// value put into it stays one argument, never split or interpreted. If the
// template itself runs a shell (`sh -c SCRIPT`, `bash -c SCRIPT`, also with
// options such as -ec), values put into SCRIPT are quoted for that shell
// exactly as GNU Parallel quotes them (base/shell_quote.h).
//
// Render() is the line `--dry-run` prints: the argv as a shell command,
// template text as written where a shell reads it literally and values
// quoted as Parallel quotes them, so that it is what `parallel --dry-run`
// prints for the same template.
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_TEMPLATE_COMMAND_TEMPLATE_H_
#define TASKFARM_MASTER_TEMPLATE_COMMAND_TEMPLATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "master/template/input_groups.h"

namespace taskfarm::master {

class CommandTemplate {
 public:
  // Parses `words` (the command and its arguments). Returns
  // kInvalidArgument for an empty command, a {N} beyond `source_count`, or
  // a replacement string taskfarm does not offer ({=perl=}).
  static absl::StatusOr<CommandTemplate> Parse(
      const std::vector<std::string>& words, size_t source_count);

  // The argv of `job`; `slot` is the value of {%}.
  std::vector<std::string> Expand(const Job& job, uint32_t slot) const;
  // The command line `--dry-run` prints for `job`.
  std::string Render(const Job& job, uint32_t slot) const;

  bool uses_slot() const { return uses_slot_; }
  // Index of the shell script word (`sh -c SCRIPT`), if any.
  std::optional<size_t> script_word() const { return script_word_; }

 private:
  enum class Op { kValue, kNoExt, kBase, kDir, kBaseNoExt, kSeq, kSlot };
  struct Segment {
    std::string literal;  // text, when !is_replacement
    bool is_replacement = false;
    Op op = Op::kValue;
    size_t source = 0;  // 1-based; 0: every source of the job
  };
  struct Word {
    std::vector<Segment> segments;
    bool has_replacement = false;
  };

  // The pieces a word gives: several when a replacement stands for several
  // values. `render`: quoted for --dry-run.
  void ExpandWord(const Word& word, bool script, const Job& job, uint32_t slot,
                  bool render, std::vector<std::string>* out) const;
  // The values a replacement stands for.
  void Values(const Segment& s, const Job& job, uint32_t slot,
              std::vector<std::string>* out) const;

  std::vector<Word> words_;
  std::optional<size_t> script_word_;
  bool appends_ = false;  // no replacement string: values are appended
  bool uses_slot_ = false;
};

// Parallel's {.}, {/}, {//}, {/.} of one value (exposed for tests).
std::string RemoveExtension(absl::string_view value);
std::string Basename(absl::string_view value);
std::string Dirname(absl::string_view value);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_TEMPLATE_COMMAND_TEMPLATE_H_
