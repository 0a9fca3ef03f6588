#include "logger/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/scoped_fd.h"
#include "journal/output_lock.h"
#include "journal/scan.h"

namespace taskfarm::logger {
namespace {

absl::Status CannotOpen(const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("cannot open ", path, ": ", strerror(errno)));
}

// A descriptor that reads the regular file `fd` is open on: `fd` itself
// when it was opened for reading too, else the same file opened again,
// read-only, through /proc/self/fd (standard output redirected with `>` is
// write-only). -1 if it cannot be read (errno says why); `reopened` then
// holds nothing.
int ReadableFd(int fd, const struct stat& st, base::ScopedFd* reopened) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags >= 0 && (flags & O_ACCMODE) != O_WRONLY) return fd;
  reopened->reset(open(absl::StrCat("/proc/self/fd/", fd).c_str(),
                       O_RDONLY | O_CLOEXEC));
  struct stat again;
  if (!reopened->valid()) return -1;
  if (fstat(reopened->get(), &again) != 0 || again.st_dev != st.st_dev ||
      again.st_ino != st.st_ino) {
    reopened->reset();
    errno = ESTALE;
    return -1;
  }
  return reopened->get();
}

}  // namespace

absl::StatusOr<Output> Output::Open(const std::string& path,
                                    journal::Format format,
                                    const journal::Handoff* handoff,
                                    journal::IdSet* written) {
  const bool to_stdout = path.empty() || path == "-";
  const bool stream = !to_stdout && journal::IsStream(path);
  int fd = STDOUT_FILENO;
  if (stream) {
    // A device or a pipe (/dev/null, /dev/stdout, a FIFO) is opened for
    // writing only (a FIFO opened for reading too would never report that
    // its reader left), never created, locked, scanned or cut.
    fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  } else if (!to_stdout) {
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  if (fd < 0) return CannotOpen(path);
  Output out(fd, !to_stdout, to_stdout ? "standard output" : path);
  struct stat st;
  if (fstat(fd, &st) != 0) return CannotOpen(out.name_);
  out.regular_ = S_ISREG(st.st_mode);
  out.terminal_ = isatty(fd) == 1;
  out.empty_ = !out.regular_ || st.st_size == 0;
  if (!out.regular_ || stream) return out;
  if (!to_stdout) {
    if (journal::LockByte(fd, journal::kLoggerLockByte) ==
        journal::LockResult::kBusy) {
      return absl::UnavailableError(absl::StrCat(
          path, " is being written by another taskfarm logger"));
    }
    if (handoff != nullptr && handoff->inode != 0 &&
        (handoff->device != st.st_dev || handoff->inode != st.st_ino)) {
      return absl::UnavailableError(absl::StrCat(
          path, " is not the file the batch started with (replaced?)"));
    }
  }
  if (absl::Status s = out.Continue(format, handoff, written); !s.ok()) {
    return s;
  }
  return out;
}

absl::Status Output::Continue(journal::Format format,
                              const journal::Handoff* handoff,
                              journal::IdSet* written) {
  const bool to_stdout = !owned_;
  uint64_t from = 0;
  if (handoff != nullptr) {
    *written = handoff->written;
    from = handoff->start_offset;
  }
  struct stat st;
  if (fstat(fd_, &st) != 0) return CannotOpen(name_);
  if (static_cast<uint64_t>(st.st_size) <= from) {
    empty_ = st.st_size == 0;
    return absl::OkStatus();  // nothing written since the batch began
  }
  // What was written since the batch began (or everything, without a
  // handoff). Standard output redirected to a file (`> out.jsonl`, open
  // for writing only) is read back through a descriptor of its own.
  base::ScopedFd reopened;
  const int readable = ReadableFd(fd_, st, &reopened);
  if (readable < 0) {
    // Rare (a file without read permission, no /proc): what the batch
    // wrote is kept, but records the logger before this one wrote and had
    // not yet confirmed may be written again.
    std::fprintf(stderr,
                 "logger: warning: cannot read back %s (%s): records already "
                 "written there may be written again; --output=FILE does not "
                 "have this problem\n",
                 name_.c_str(), strerror(errno));
    empty_ = false;
    return absl::OkStatus();
  }
  absl::StatusOr<journal::ScanResult> scan = journal::Scan(
      name_, format, readable,
      handoff != nullptr ? handoff->id_limit : journal::kMaxScanId, from);
  if (!scan.ok()) return to_stdout ? absl::OkStatus() : scan.status();
  if (scan->torn_bytes > 0) {
    absl::Status s = journal::Truncate(name_, scan->valid_bytes, fd_);
    if (!s.ok()) return s;
    // A shared descriptor (standard output) keeps its own offset.
    lseek(fd_, static_cast<off_t>(scan->valid_bytes), SEEK_SET);
  }
  scan->ids.ForEach([written](uint64_t id) { written->Add(id); });
  empty_ = scan->valid_bytes == 0;
  return absl::OkStatus();
}

Output::Output(Output&& other) noexcept
    : fd_(other.fd_),
      owned_(other.owned_),
      name_(std::move(other.name_)),
      empty_(other.empty_),
      regular_(other.regular_),
      terminal_(other.terminal_),
      closed_(other.closed_) {
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
      if (errno == EPIPE) closed_ = true;
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
