#include "master/batch_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "master/stats_file.h"

namespace taskfarm::master {
namespace {

constexpr size_t kMaxErrors = 20;

}  // namespace

absl::Status BatchIo::Prepare(const std::string& spool_dir) {
  // The output first: a second batch on the same file is refused before
  // anything is read.
  if (absl::Status s = PrepareOutput(spool_dir); !s.ok()) return s;
  inputs_ = options_.inputs;
  if (inputs_.empty()) {
    demo_ = true;
    inputs_.push_back({.text = kDemoTasks, .is_text = true, .name = "demo"});
  }
  int stdin_uses = 0;
  for (const InputSpec& in : inputs_) {
    if (in.generated == nullptr && !in.is_text && in.path == "-" &&
        ++stdin_uses > 1) {
      return absl::InvalidArgumentError("standard input (-) given twice");
    }
  }
  spool_path_ = absl::StrCat(spool_dir, "/input.spool");
  return absl::OkStatus();
}

absl::Status BatchIo::PrepareOutput(const std::string& runtime_dir) {
  handoff_path_ = absl::StrCat(runtime_dir, "/handoff");
  if (!options_.stats_json.empty()) {
    if (absl::Status s = CheckStatsFile(options_.stats_json); !s.ok()) return s;
  }
  absl::StatusOr<OutputFile> output =
      OutputFile::Open(options_.output, options_.resume);
  if (!output.ok()) return output.status();
  output_.emplace(*std::move(output));
  return absl::OkStatus();
}

absl::Status BatchIo::Check(const KindTable& kinds,
                            std::vector<std::string>* errors) {
  if (spool_path_.empty()) {
    return absl::FailedPreconditionError("BatchIo::Check before Prepare");
  }
  absl::StatusOr<std::unique_ptr<SpoolWriter>> spool =
      SpoolWriter::Create(spool_path_);
  if (!spool.ok()) return spool.status();
  TaskSource source(inputs_, &kinds);
  absl::StatusOr<TaskSource::Summary> summary =
      source.Check(errors, kMaxErrors, spool->get(), &cancel_);
  if (!summary.ok()) return summary.status();
  total_ = summary->total;
  fingerprint_ = summary->fingerprint;
  if (!errors->empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<SpoolFeed>> feed =
      SpoolFeed::Open(spool_path_, total_);
  if (!feed.ok()) return feed.status();
  feed_ = *std::move(feed);
  return absl::OkStatus();
}

absl::Status BatchIo::OpenOutput() {
  return output_->Start(options_.format, total_, fingerprint_, handoff_path_);
}

std::vector<std::string> BatchIo::LoggerFlags() const {
  return {absl::StrCat("--handoff=", handoff_path_)};
}

}  // namespace taskfarm::master
