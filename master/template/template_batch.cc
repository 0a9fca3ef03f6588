#include "master/template/template_batch.h"

#include <utility>

namespace taskfarm::master {

std::string ExecTaskLine(const std::vector<std::string>& argv) {
  std::string line = "exec";
  for (const std::string& word : argv) {
    line += " \"";
    for (char c : word) {
      switch (c) {
        case '\\': line += "\\\\"; break;
        case '"': line += "\\\""; break;
        case '\n': line += "\\n"; break;
        case '\t': line += "\\t"; break;
        default: line += c; break;
      }
    }
    line += '"';
  }
  return line;
}

absl::StatusOr<std::shared_ptr<const TemplateBatch>> TemplateBatch::Create(
    const std::vector<std::string>& command,
    const std::vector<std::string>& sources,
    const std::vector<std::string>& arg_files, int stdin_fd) {
  absl::StatusOr<InputGroups> groups =
      sources.empty() && arg_files.empty()
          ? InputGroups::FromStdin(stdin_fd)
          : InputGroups::Parse(sources, arg_files, stdin_fd);
  if (!groups.ok()) return groups.status();
  absl::StatusOr<CommandTemplate> parsed =
      CommandTemplate::Parse(command, groups->source_count());
  if (!parsed.ok()) return parsed.status();
  return std::shared_ptr<const TemplateBatch>(
      new TemplateBatch(*std::move(groups), *std::move(parsed)));
}

void TemplateBatch::DryRun(std::FILE* out, int jobs) const {
  JobIterator it(&groups_);
  Job job;
  const uint64_t slots = jobs > 0 ? static_cast<uint64_t>(jobs) : 1;
  while (it.Next(&job)) {
    const auto slot = static_cast<uint32_t>((job.seq - 1) % slots + 1);
    std::string line = command_.Render(job, slot);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
  }
}

InputSpec TemplateBatch::TaskLines() const {
  // Each pass gets its own iterator; the batch outlives them all.
  std::shared_ptr<const TemplateBatch> self = shared_from_this();
  return InputSpec{
      .name = "command template",
      .generate = [self]() -> LineGenerator {
        auto it = std::make_shared<JobIterator>(&self->groups_);
        return [self, it](std::string* line) {
          Job job;
          if (!it->Next(&job)) return false;
          *line = ExecTaskLine(self->command_.Expand(job, 0));
          return true;
        };
      }};
}

}  // namespace taskfarm::master
