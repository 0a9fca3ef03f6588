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

bool ToFile(const FarmOptions& o) { return !o.output.empty() && o.output != "-"; }

}  // namespace

absl::Status BatchIo::Prepare(const std::string& spool_dir) {
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
  source_ = std::make_unique<TaskSource>(inputs_, &kinds);
  absl::StatusOr<TaskSource::Summary> summary = source_->Check(errors, kMaxErrors);
  if (!summary.ok()) return summary.status();
  total_ = summary->total;
  fingerprint_ = summary->fingerprint;
  return absl::OkStatus();
}

absl::Status BatchIo::OpenOutput() {
  if (!ToFile(options_)) return absl::OkStatus();
  const std::string side = SideFile(options_.output);
  const std::string stamp = absl::StrCat("taskfarm fingerprint ", fingerprint_,
                                         " tasks ", total_, "\n");
  if (options_.resume) {
    absl::StatusOr<journal::ScanResult> scan =
        journal::Scan(options_.output, options_.format, -1,
                      std::max<uint64_t>(total_, 1));
    if (!scan.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot resume: ", scan.status().message(),
          " (is --format the one the file was written with?)"));
    }
    std::ifstream in(side);
    std::string recorded((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
    if (scan->records > 0 && recorded != stamp) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to resume: ", options_.output,
          recorded.empty()
              ? absl::StrCat(" has no fingerprint file ", side)
              : " was written for a different task list",
          "; run without --resume to start over"));
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
