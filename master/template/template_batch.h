// File: master/template/template_batch.h
//
// A batch written the GNU Parallel way: a command template and its input
// sources (command_template.h, input_groups.h), made into jobs. Each job
// is one `exec` task; TaskLines() hands them to the master's input as a
// LineSource (master/input/line_source.h) of pre-split words, made one job
// at a time (the values were read once, at Create; the combinations are
// never stored), so no value is ever quoted, unquoted or read as a range.
//
// Example:
//   absl::StatusOr<std::shared_ptr<const TemplateBatch>> b =
//       TemplateBatch::Create({"gzip", "-9", "{}"}, {":::", "a.log"}, {});
//   (*b)->DryRun(stdout, 1);             // gzip -9 a.log
//   options.inputs.push_back((*b)->TaskLines());
//
// Thread-compatible; each TaskLines() source keeps its own position.

#ifndef TASKFARM_MASTER_TEMPLATE_TEMPLATE_BATCH_H_
#define TASKFARM_MASTER_TEMPLATE_TEMPLATE_BATCH_H_

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "master/input/task_source.h"
#include "master/template/command_template.h"
#include "master/template/input_groups.h"

namespace taskfarm::master {

class TemplateBatch : public std::enable_shared_from_this<TemplateBatch> {
 public:
  // `command`: the template words; `sources`: the words from the first
  // :::/:::: on (empty: values come from `stdin_fd`, one a line, unless
  // `arg_files` name sources). Returns the errors of InputGroups::Parse and
  // CommandTemplate::Parse.
  static absl::StatusOr<std::shared_ptr<const TemplateBatch>> Create(
      const std::vector<std::string>& command,
      const std::vector<std::string>& sources,
      const std::vector<std::string>& arg_files, int stdin_fd = 0);

  // Prints each job's command line, as `parallel --dry-run -j jobs` does
  // ({%} counts 1..jobs round robin, which is what Parallel shows with -j1).
  void DryRun(std::FILE* out, int jobs) const;

  // The jobs as an input of exec tasks (read once, by the input check).
  InputSpec TaskLines() const;

  const CommandTemplate& command() const { return command_; }
  uint64_t job_count() const { return groups_.job_count(); }

 private:
  TemplateBatch(InputGroups groups, CommandTemplate command)
      : groups_(std::move(groups)), command_(std::move(command)) {}

  InputGroups groups_;
  CommandTemplate command_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_TEMPLATE_TEMPLATE_BATCH_H_
