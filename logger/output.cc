#include "logger/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "journal/scan.h"

namespace taskfarm::logger {

absl::StatusOr<Output> Output::Open(const std::string& path,
                                    journal::Format format,
                                    journal::IdSet* written) {
  bool to_stdout = path.empty() || path == "-";
  int fd = to_stdout ? STDOUT_FILENO
                     : open(path.c_str(),
                            O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", strerror(errno)));
  }
  Output out(fd, !to_stdout, to_stdout ? "standard output" : path);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    out.regular_ = true;
    // Standard output redirected to a file (`> out.jsonl`) is continued the
    // same way, if it can be read back.
    absl::StatusOr<journal::ScanResult> scan =
        journal::Scan(out.name_, format, fd);
    if (scan.ok()) {
      if (scan->torn_bytes > 0) {
        absl::Status s = journal::Truncate(out.name_, scan->valid_bytes, fd);
        if (!s.ok()) return s;
        // A shared descriptor (standard output) keeps its own offset.
        lseek(fd, static_cast<off_t>(scan->valid_bytes), SEEK_SET);
      }
      *written = std::move(scan->ids);
      out.empty_ = scan->valid_bytes == 0;
    } else if (!to_stdout) {
      return scan.status();
    } else {
      out.empty_ = st.st_size == 0;
    }
  }
  out.terminal_ = isatty(fd) == 1;
  return out;
}

Output::Output(Output&& other) noexcept
    : fd_(other.fd_),
      owned_(other.owned_),
      name_(std::move(other.name_)),
      empty_(other.empty_),
      regular_(other.regular_),
      terminal_(other.terminal_) {
  other.owned_ = false;
}

Output::~Output() {
  if (owned_) close(fd_);
}

absl::Status Output::Write(absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(
          absl::StrCat("cannot write ", name_, ": ", strerror(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
    empty_ = false;
  }
  return absl::OkStatus();
}

absl::Status Output::Sync() {
  if (!regular_) return absl::OkStatus();
  if (fdatasync(fd_) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot sync ", name_, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::logger
