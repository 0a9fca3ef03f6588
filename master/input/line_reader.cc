#include "master/input/line_reader.h"

#include <fcntl.h>
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
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::string name = display_name.empty() ? path : std::move(display_name);
  if (fd < 0) {
    std::string message = absl::StrCat(name, ": ", strerror(errno));
    if (errno == ENOENT) return absl::NotFoundError(message);
    return absl::UnavailableError(message);
  }
  LineReader r;
  r.fd_ = fd;
  r.name_ = std::move(name);
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
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

LineReader LineReader::FromGenerator(LineGenerator generate,
                                     std::string display_name) {
  LineReader r;
  r.generate_ = std::move(generate);
  r.eof_ = true;
  r.name_ = std::move(display_name);
  return r;
}

LineReader::LineReader(LineReader&& other) noexcept { *this = std::move(other); }

LineReader& LineReader::operator=(LineReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    generate_ = std::move(other.generate_);
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

bool LineReader::Refill() {
  if (eof_) return false;
  buffer_.erase(0, pos_);
  pos_ = 0;
  size_t old = buffer_.size();
  buffer_.resize(old + kChunk);
  ssize_t n;
  do {
    n = read(fd_, buffer_.data() + old, kChunk);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    buffer_.resize(old);
    eof_ = true;
    if (n < 0) error_ = errno;
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
  if (generate_) {
    buffer_.clear();
    if (!generate_(&buffer_)) return std::nullopt;
    ++line_number_;
    if (buffer_.size() > kMaxLineBytes) return too_long();
    return absl::string_view(buffer_);
  }
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

}  // namespace taskfarm::master
