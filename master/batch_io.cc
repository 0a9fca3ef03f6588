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

absl::Status CopyFd(int from, int to) {
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = read(from, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::UnavailableError(strerror(errno));
    if (n == 0) return absl::OkStatus();
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(to, buffer + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return absl::UnavailableError(strerror(errno));
      done += w;
    }
  }
}

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
  for (InputSpec& in : inputs_) {
    if (in.is_text || in.path != "-") continue;
    if (++stdin_uses > 1) {
      return absl::InvalidArgumentError("standard input (-) given twice");
    }
    std::string spool = absl::StrCat(spool_dir, "/stdin.tasks");
    int fd = open(spool.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return absl::UnavailableError(strerror(errno));
    absl::Status s = CopyFd(STDIN_FILENO, fd);
    close(fd);
    if (!s.ok()) {
      return absl::UnavailableError(
          absl::StrCat("reading standard input: ", s.message()));
    }
    in.path = spool;
    in.name = "stdin";
  }
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
  source_ = std::make_unique<TaskSource>(inputs_, &kinds);
  absl::StatusOr<TaskSource::Summary> summary = source_->Check(errors, kMaxErrors);
  if (!summary.ok()) return summary.status();
  total_ = summary->total;
  fingerprint_ = summary->fingerprint;
  return absl::OkStatus();
}

absl::Status BatchIo::OpenOutput() {
  return output_->Start(options_.format, total_, fingerprint_, handoff_path_);
}

std::vector<std::string> BatchIo::LoggerFlags() const {
  return {absl::StrCat("--handoff=", handoff_path_)};
}

}  // namespace taskfarm::master
