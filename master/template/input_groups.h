// File: master/template/input_groups.h
//
// The input sources of a command template, as GNU Parallel reads them, and
// the jobs they make. Sources come from `-a FILE` (first, in the order
// given), then from the words after the command:
//
//   ::: A B C        a source of the values A, B, C (a value with newlines
//                    is several values, as in Parallel)
//   :::: FILE...     one source per FILE, one value per line; - is
//                    standard input
//   :::+ / ::::+     the same, linked to the source before it: their values
//                    go side by side (the shortest one sets the length)
//
// Unlinked sources give every combination, the last varying fastest:
// `::: a b ::: 1 2` is (a,1) (a,2) (b,1) (b,2). JobIterator walks them
// lazily: the combinations are never built in memory, only each source's
// values (read once, at Parse).
//
// Example:
//   absl::StatusOr<InputGroups> in = InputGroups::Parse({":::", "a", "b"}, {});
//   JobIterator it(&*in);
//   Job job;
//   while (it.Next(&job)) ...job.seq, job.values...
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_TEMPLATE_INPUT_GROUPS_H_
#define TASKFARM_MASTER_TEMPLATE_INPUT_GROUPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace taskfarm::master {

// Whether `word` starts an input source (:::, :::+, ::::, ::::+).
bool IsSourceSeparator(absl::string_view word);

// One source's values, back to back in one string (a value never holds a
// newline, so newlines separate them): a file of N lines costs its bytes
// and 8 bytes a line, not a std::string each.
class ValueList {
 public:
  // The lines of a file: a last line without its newline counts, a final
  // newline adds no empty value, an empty file has none.
  static ValueList Lines(std::string text);
  // `text` split at every newline ("" is one empty value; "a\n" is "a"
  // and ""), as Parallel splits a ::: word.
  static ValueList Records(std::string text);
  void Append(const ValueList& other);
  size_t size() const { return ends_.size(); }
  absl::string_view operator[](size_t i) const {
    const size_t start = i == 0 ? 0 : ends_[i - 1] + 1;
    return absl::string_view(text_).substr(start, ends_[i] - start);
  }

 private:
  std::string text_;
  std::vector<size_t> ends_;  // where each value ends in text_
};

class InputGroups {
 public:
  // `words` start at the first separator; `arg_files` are -a FILEs.
  // `stdin_fd` is read for `-` (at most once). Returns kInvalidArgument
  // for words before the first separator, a linked source with nothing to
  // link to, or `-` twice; kNotFound/kUnavailable for a file that cannot
  // be read.
  static absl::StatusOr<InputGroups> Parse(
      const std::vector<std::string>& words,
      const std::vector<std::string>& arg_files, int stdin_fd = 0);
  // Values read from `stdin_fd`, one a line: the source when a template
  // names none (Parallel reads standard input then).
  static absl::StatusOr<InputGroups> FromStdin(int stdin_fd = 0);

  // How many sources (what {1}..{N} may name).
  size_t source_count() const { return sources_.size(); }
  // How many jobs, saturating at UINT64_MAX.
  uint64_t job_count() const;

 private:
  friend class JobIterator;
  // A group: sources linked side by side; its length is the shortest's.
  struct Group {
    size_t first = 0, count = 0;  // sources_[first .. first+count)
    size_t length = 0;
  };
  absl::Status AddSource(ValueList values, bool linked,
                         absl::string_view separator);

  std::vector<ValueList> sources_;
  std::vector<Group> groups_;
};

struct Job {
  uint64_t seq = 0;  // 1, 2, 3, ... ({#})
  std::vector<absl::string_view> values;  // one per source, viewing the groups
};

class JobIterator {
 public:
  explicit JobIterator(const InputGroups* groups) : groups_(groups) {}
  // The next job; false after the last.
  bool Next(Job* job);

 private:
  const InputGroups* groups_;
  std::vector<size_t> position_;  // per group; empty before the first job
  bool done_ = false;
  uint64_t seq_ = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_TEMPLATE_INPUT_GROUPS_H_
