#include "master/batch_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "journal/scan.h"

namespace taskfarm::master {
namespace {

constexpr size_t kMaxErrors = 20;

std::string SideFile(const std::string& output) {
  return absl::StrCat(output, ".taskfarm");
}

bool ToFile(const FarmOptions& o) { return !o.output.empty() && o.output != "-"; }

}  // namespace

absl::Status BatchIo::Prepare(const std::string& spool_dir) {
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
  if (ToFile(options_)) {
    // Writable? Create it if need be, but keep what it holds for now.
    int fd = open(options_.output.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot write --output=", options_.output, ": ", strerror(errno)));
    }
    close(fd);
  } else if (options_.resume) {
    return absl::InvalidArgumentError("--resume needs --output=FILE");
  }
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
  if (!ToFile(options_)) return absl::OkStatus();
  const std::string side = SideFile(options_.output);
  const std::string stamp = absl::StrCat("taskfarm fingerprint ", fingerprint_,
                                         " tasks ", total_, "\n");
  if (options_.resume) {
    // The fingerprint first: the records of another task list may not even
    // read as records of this one (ids beyond its end).
    std::ifstream in(side);
    std::string recorded((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
    auto refuse = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("refusing to resume: ", options_.output, why,
                       "; run without --resume to start over"));
    };
    if (!recorded.empty() && recorded != stamp) {
      return refuse(" was written for a different task list");
    }
    absl::StatusOr<journal::ScanResult> scan =
        journal::Scan(options_.output, options_.format, -1,
                      std::max<uint64_t>(total_, 1));
    if (!scan.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot resume: ", scan.status().message(),
          " (is --format the one the file was written with?)"));
    }
    if (scan->records > 0 && recorded.empty()) {
      return refuse(absl::StrCat(" has no fingerprint file ", side));
    }
    done_ = std::move(scan->ids);
  } else {
    if (truncate(options_.output.c_str(), 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot truncate ", options_.output, ": ", strerror(errno)));
    }
  }
  std::ofstream out(side, std::ios::trunc);
  out << stamp;
  if (!out.good()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write ", side, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::master
