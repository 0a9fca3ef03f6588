#include "master/template/template_batch.h"

#include <optional>
#include <utility>

#include "master/input/line_source.h"
#include "master/input/tokenizer.h"

namespace taskfarm::master {

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

namespace {

// The jobs of a batch as exec tasks: `exec ARGV...`, every word taken as it
// is (marked quoted: never a range or a comment).
class JobLines : public LineSource {
 public:
  explicit JobLines(std::shared_ptr<const TemplateBatch> batch,
                    const InputGroups* groups)
      : batch_(std::move(batch)), jobs_(groups) {}

  absl::StatusOr<std::optional<SourceLine>> NextLine() override {
    Job job;
    if (!jobs_.Next(&job)) return std::nullopt;
    ++line_;
    argv_ = batch_->command().Expand(job, 0);
    words_.clear();
    words_.push_back(Word{"exec", true});
    for (const std::string& w : argv_) words_.push_back(Word{w, true});
    return SourceLine{.words = &words_};
  }
  uint64_t line_number() const override { return line_; }
  const std::string& name() const override { return name_; }

 private:
  std::shared_ptr<const TemplateBatch> batch_;  // keeps the groups alive
  JobIterator jobs_;
  std::vector<std::string> argv_;
  std::vector<Word> words_;  // view into argv_
  uint64_t line_ = 0;
  std::string name_ = "command template";
};

}  // namespace

InputSpec TemplateBatch::TaskLines() const {
  return InputSpec{.name = "command template",
                   .generated = std::make_shared<JobLines>(shared_from_this(),
                                                           &groups_)};
}

}  // namespace taskfarm::master
