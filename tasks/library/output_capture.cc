#include "tasks/library/output_capture.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace taskfarm::tasks {
namespace {

constexpr size_t kReadBytes = 1 << 16;

}  // namespace

std::string TruncationNote(uint64_t dropped_bytes) {
  return absl::StrCat("\u2026[truncated ", dropped_bytes, " bytes]");
}

OutputCapture::OutputCapture(size_t keep_bytes, base::ScopedFd file,
                             size_t file_bytes)
    : keep_bytes_(keep_bytes),
      file_(std::move(file)),
      file_bytes_(file_bytes) {}

void OutputCapture::Append(absl::string_view bytes) {
  total_ += bytes.size();
  if (head_.size() < keep_bytes_) {
    absl::StrAppend(&head_, bytes.substr(0, keep_bytes_ - head_.size()));
  }
  // Keep between kTailBytes and 2 kTailBytes, so trimming is amortised.
  absl::StrAppend(&tail_, bytes.substr(bytes.size() -
                                       std::min(bytes.size(), 2 * kTailBytes)));
  if (tail_.size() > 2 * kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
  if (file_written_ < file_bytes_) {
    const size_t room = static_cast<size_t>(file_bytes_ - file_written_);
    WriteToFile(bytes.substr(0, room));
    file_written_ += std::min(bytes.size(), room);
  }
}

absl::Status OutputCapture::Finish(absl::string_view file_name) {
  if (total_ > file_written_)
    WriteToFile(TruncationNote(total_ - file_written_));
  file_.reset();
  if (file_errno_ != 0) {
    return absl::ErrnoToStatus(file_errno_,
                               absl::StrCat("cannot write ", file_name));
  }
  return absl::OkStatus();
}

std::string OutputCapture::HeadWithNote() const {
  if (total_ <= head_.size()) return head_;
  return absl::StrCat(head_, TruncationNote(total_ - head_.size()));
}

absl::string_view OutputCapture::Tail() const {
  absl::string_view tail = tail_;
  return tail.substr(tail.size() - std::min(tail.size(), kTailBytes));
}

void OutputCapture::WriteToFile(absl::string_view bytes) {
  while (file_.valid() && file_errno_ == 0 && !bytes.empty()) {
    ssize_t n = write(file_.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      file_errno_ = errno;
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

absl::Status ReadUntilEof(absl::Span<const PipeCapture> pipes) {
  std::vector<pollfd> fds;
  for (const PipeCapture& p : pipes) fds.push_back({p.fd, POLLIN, 0});
  std::unique_ptr<char[]> buffer(new char[kReadBytes]);
  size_t open = fds.size();
  while (open > 0) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "poll");
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buffer.get(), kReadBytes);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) return absl::ErrnoToStatus(errno, "read");
      if (n == 0) {  // end of file: poll ignores negative fds
        fds[i].fd = -1;
        --open;
        continue;
      }
      pipes[i].capture->Append(
          absl::string_view(buffer.get(), static_cast<size_t>(n)));
    }
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::tasks
