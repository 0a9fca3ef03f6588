#include "master/output_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "absl/strings/str_cat.h"
#include "journal/handoff.h"
#include "journal/output_lock.h"
#include "journal/scan.h"

namespace taskfarm::master {
namespace {

std::string SideFile(const std::string& output) {
  return absl::StrCat(output, ".taskfarm");
}

const char* KindOfFile(mode_t mode) {
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a pipe";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "a stream (another name of an open descriptor), not a regular file";
}

absl::Status CannotWrite(const std::string& path) {
  return absl::InvalidArgumentError(
      absl::StrCat("cannot write --output=", path, ": ", strerror(errno)));
}

// Where a batch writing to standard output begins, if it is a regular file
// (the logger continues it from there); 0 for a stream.
uint64_t StdoutStart() {
  struct stat st;
  if (fstat(STDOUT_FILENO, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  const int flags = fcntl(STDOUT_FILENO, F_GETFL);
  if (flags >= 0 && (flags & O_APPEND) != 0) return static_cast<uint64_t>(st.st_size);
  const off_t at = lseek(STDOUT_FILENO, 0, SEEK_CUR);
  return at > 0 ? static_cast<uint64_t>(at) : 0;
}

// A master killed a moment ago leaves its logger flushing what it had
// (it is told by SIGTERM): wait for it a while, as a resumed batch usually
// starts at once. False if it still writes after `grace`, or if a signal
// to stop came meanwhile (the master blocks them into its signalfd).
bool WaitForEarlierLogger(int fd, const std::string& path,
                          std::chrono::milliseconds grace) {
  const auto end = std::chrono::steady_clock::now() + grace;
  bool said = false;
  while (journal::ByteLocked(fd, journal::kLoggerLockByte)) {
    sigset_t pending;
    sigpending(&pending);
    if (std::chrono::steady_clock::now() >= end ||
        sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM)) {
      return false;
    }
    if (!said) {
      std::fprintf(stderr,
                   "taskfarm: waiting for the logger of an earlier batch to "
                   "finish writing %s\n", path.c_str());
      said = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace

absl::StatusOr<OutputFile> OutputFile::Open(const std::string& path,
                                            bool resume,
                                            std::chrono::milliseconds logger_grace) {
  if (path.empty() || path == "-") {
    if (resume) return absl::InvalidArgumentError("--resume needs --output=FILE");
    return OutputFile(path, resume);
  }
  if (journal::IsStream(path)) {
    struct stat st;
    const mode_t mode = stat(path.c_str(), &st) == 0 ? st.st_mode : 0;
    if (S_ISDIR(mode) || resume) {
      return absl::InvalidArgumentError(absl::StrCat(
          resume ? "--resume needs a regular file to read back, and " : "",
          "--output=", path, " is ", KindOfFile(mode)));
    }
    if (access(path.c_str(), W_OK) != 0) return CannotWrite(path);
    return OutputFile(path, resume);  // a stream
  }
  OutputFile out(path, resume);
  // Writable? Create it if need be, but keep what it holds for now.
  out.fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (out.fd_ < 0) return CannotWrite(path);
  switch (journal::LockByte(out.fd_, journal::kMasterLockByte)) {
    case journal::LockResult::kLocked:
      break;
    case journal::LockResult::kBusy:
      return absl::InvalidArgumentError(absl::StrCat(
          "--output=", path,
          " is being written by another taskfarm batch; refusing to write "
          "two batches into one file"));
    case journal::LockResult::kUnsupported:
      std::fprintf(stderr,
                   "taskfarm: warning: cannot lock --output=%s (%s): a second "
                   "batch writing it at the same time would not be noticed\n",
                   path.c_str(), strerror(errno));
      return out;
  }
  if (!WaitForEarlierLogger(out.fd_, path, logger_grace)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--output=", path,
        " is still being written by the logger of an earlier batch (its "
        "master died?); try again once it has exited"));
  }
  return out;
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)),
      resume_(other.resume_),
      fd_(other.fd_),
      done_(std::move(other.done_)) {
  other.fd_ = -1;
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) close(fd_);
}

absl::Status OutputFile::Resume(journal::Format format, uint64_t total,
                                const std::string& stamp, uint64_t* start) {
  const std::string side = SideFile(path_);
  std::ifstream in(side);
  std::string recorded((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  auto refuse = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to resume: ", path_, why,
                     "; run without --resume to start over"));
  };
  // The fingerprint first: the records of another task list may not even
  // read as records of this one (ids beyond its end).
  if (!recorded.empty() && recorded != stamp) {
    return refuse(" was written for a different task list");
  }
  absl::StatusOr<journal::ScanResult> scan =
      journal::Scan(path_, format, fd_, std::max<uint64_t>(total, 1));
  if (!scan.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot resume: ", scan.status().message(),
        " (is --format the one the file was written with?)"));
  }
  if (scan->records > 0 && recorded.empty()) {
    return refuse(absl::StrCat(" has no fingerprint file ", side));
  }
  if (scan->torn_bytes > 0) {
    absl::Status s = journal::Truncate(path_, scan->valid_bytes, fd_);
    if (!s.ok()) return s;
  }
  *start = scan->valid_bytes;
  done_ = std::move(scan->ids);
  return absl::OkStatus();
}

absl::Status OutputFile::Start(journal::Format format, uint64_t total,
                               const std::string& fingerprint,
                               const std::string& handoff_path) {
  journal::Handoff handoff;
  handoff.id_limit = total;
  if (path_.empty() || path_ == "-") handoff.start_offset = StdoutStart();
  if (fd_ >= 0) {
    const std::string stamp = absl::StrCat("taskfarm fingerprint ", fingerprint,
                                           " tasks ", total, "\n");
    if (resume_) {
      absl::Status s = Resume(format, total, stamp, &handoff.start_offset);
      if (!s.ok()) return s;
      handoff.written = *done_;
    } else if (ftruncate(fd_, 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot truncate ", path_, ": ", strerror(errno)));
    }
    const std::string side = SideFile(path_);
    std::ofstream out(side, std::ios::trunc);
    out << stamp;
    out.close();
    if (!out) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot write ", side, ": ", strerror(errno)));
    }
    struct stat st;
    if (fstat(fd_, &st) == 0) {
      handoff.device = st.st_dev;
      handoff.inode = st.st_ino;
    }
  }
  return journal::WriteHandoff(handoff_path, handoff);
}

}  // namespace taskfarm::master
