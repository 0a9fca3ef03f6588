#include "master/input/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kMaxLineBytes = 16 << 20;

}  // namespace

absl::StatusOr<LineReader> LineReader::OpenFile(const std::string& path,
                                                std::string display_name) {
  // O_NONBLOCK: opening a FIFO does not wait for a writer (AwaitInput
  // does, cancellably); it changes nothing for a regular file.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  std::string name = display_name.empty() ? path : std::move(display_name);
  if (fd < 0) {
    std::string message = absl::StrCat(name, ": ", strerror(errno));
    if (errno == ENOENT) return absl::NotFoundError(message);
    return absl::UnavailableError(message);
  }
  return FromFd(fd, std::move(name));
}

LineReader LineReader::FromFd(int fd, std::string display_name) {
  LineReader r;
  r.fd_ = fd;
  r.name_ = std::move(display_name);
  struct stat st;
  r.regular_ = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (r.regular_) posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return r;
}

LineReader LineReader::FromText(std::string text, std::string display_name,
                                bool semicolons) {
  LineReader r;
  r.buffer_ = std::move(text);
  r.eof_ = true;
  r.semicolons_ = semicolons;
  r.name_ = std::move(display_name);
  return r;
}

LineReader::LineReader(LineReader&& other) noexcept { *this = std::move(other); }

LineReader& LineReader::operator=(LineReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    regular_ = other.regular_;
    cancel_ = other.cancel_;
    semicolons_ = other.semicolons_;
    name_ = std::move(other.name_);
    buffer_ = std::move(other.buffer_);
    pos_ = other.pos_;
    eof_ = other.eof_;
    error_ = other.error_;
    line_number_ = other.line_number_;
  }
  return *this;
}

LineReader::~LineReader() {
  if (fd_ >= 0) close(fd_);
}

bool LineReader::AwaitInput() {
  pollfd fds[2] = {{fd_, POLLIN, 0},
                   {cancel_ != nullptr ? cancel_->fd() : -1, POLLIN, 0}};
  for (;;) {
    if (cancel_ != nullptr && cancel_->cancelled()) {
      error_ = ECANCELED;
      return false;
    }
    if (poll(fds, 2, -1) < 0 && errno != EINTR) {
      error_ = errno;
      return false;
    }
    // Readable, at its end (POLLHUP), or in error: read() tells which.
    if (fds[0].revents != 0) return true;
  }
}

bool LineReader::Refill() {
  if (eof_) return false;
  buffer_.erase(0, pos_);
  pos_ = 0;
  size_t old = buffer_.size();
  buffer_.resize(old + kChunk);
  ssize_t n = -1;
  while (regular_ || AwaitInput()) {  // AwaitInput sets error_ if it fails
    n = read(fd_, buffer_.data() + old, kChunk);
    if (n >= 0) break;
    if (errno != EINTR && errno != EAGAIN) {
      error_ = errno;
      break;
    }
  }
  if (n <= 0) {
    buffer_.resize(old);
    eof_ = true;
    return false;
  }
  buffer_.resize(old + static_cast<size_t>(n));
  return true;
}

absl::StatusOr<std::optional<absl::string_view>> LineReader::Next() {
  auto too_long = [this] {
    return absl::InvalidArgumentError(absl::StrCat(
        name_, ":", line_number_ + 1, ": line longer than 16 MiB"));
  };
  for (;;) {
    absl::string_view rest = absl::string_view(buffer_).substr(pos_);
    size_t end = absl::string_view::npos;
    if (!semicolons_) {
      end = rest.find('\n');
    } else {
      char quote = 0;
      for (size_t i = 0; i < rest.size(); ++i) {
        char c = rest[i];
        if (quote != 0) {
          if (c == '\\' && quote == '"' && i + 1 < rest.size()) {
            ++i;
          } else if (c == quote) {
            quote = 0;
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\n' || c == ';') {
          end = i;
          break;
        }
      }
    }
    if (end != absl::string_view::npos) {
      if (end > kMaxLineBytes) return too_long();
      pos_ += end + 1;
      ++line_number_;
      return std::optional<absl::string_view>(rest.substr(0, end));
    }
    if (rest.size() > kMaxLineBytes) return too_long();
    if (!Refill()) {
      if (error_ == ECANCELED) {
        return absl::CancelledError(
            absl::StrCat(name_, ": reading cancelled"));
      }
      if (error_ != 0) {
        return absl::UnavailableError(
            absl::StrCat(name_, ": ", strerror(error_)));
      }
      if (pos_ == buffer_.size()) return std::optional<absl::string_view>();
      // The last line has no newline.
      absl::string_view last = absl::string_view(buffer_).substr(pos_);
      pos_ = buffer_.size();
      ++line_number_;
      return std::optional<absl::string_view>(last);
    }
  }
}

absl::StatusOr<std::optional<SourceLine>> LineReader::NextLine() {
  absl::StatusOr<std::optional<absl::string_view>> text = Next();
  if (!text.ok()) return text.status();
  if (!*text) return std::optional<SourceLine>();
  return std::optional<SourceLine>(SourceLine{.text = **text});
}

}  // namespace taskfarm::master
