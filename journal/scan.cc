#include "journal/scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace taskfarm::journal {
namespace {

constexpr size_t kChunk = 1 << 20;

// The id at the start of one complete record line (no newline), if any.
bool ParseId(Format format, absl::string_view line, uint64_t* id) {
  switch (format) {
    case Format::kJsonl: {
      if (!absl::ConsumePrefix(&line, "{\"id\":")) return false;
      break;
    }
    case Format::kText: {
      // [worker PID] #ID ...
      size_t hash = line.find("] #");
      if (!absl::StartsWith(line, "[") || hash == absl::string_view::npos) {
        return false;
      }
      line.remove_prefix(hash + 3);
      break;
    }
    case Format::kCsv:
      break;
  }
  size_t digits = 0;
  while (digits < line.size() && absl::ascii_isdigit(static_cast<unsigned char>(line[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits == line.size()) return false;
  char next = line[digits];
  bool delimited = format == Format::kJsonl   ? next == ','
                   : format == Format::kText ? next == ' '
                                             : next == ',';
  return delimited && absl::SimpleAtoi(line.substr(0, digits), id);
}

// Splits a file into records: lines, except that a csv record's quoted
// fields may hold newlines.
class RecordSplitter {
 public:
  explicit RecordSplitter(Format format) : csv_(format == Format::kCsv) {}
  // Returns the length of the record that ends in `data` (newline included),
  // or 0 if `data` holds no complete record. `data` starts at a record.
  size_t Next(absl::string_view data) {
    if (!csv_) {  // a line: memchr is many times faster than a loop
      const void* nl = scanned_ < data.size()
                           ? memchr(data.data() + scanned_, '\n', data.size() - scanned_)
                           : nullptr;
      if (nl == nullptr) {
        scanned_ = data.size();
        return 0;
      }
      scanned_ = 0;
      return static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
    }
    for (size_t i = scanned_; i < data.size(); ++i) {
      char c = data[i];
      if (csv_ && c == '"') in_quotes_ = !in_quotes_;
      if (c == '\n' && !in_quotes_) {
        scanned_ = 0;
        return i + 1;
      }
    }
    scanned_ = data.size();
    return 0;
  }

 private:
  bool csv_;
  bool in_quotes_ = false;
  size_t scanned_ = 0;  // bytes of the current record already looked at
};

}  // namespace

absl::StatusOr<ScanResult> Scan(const std::string& path, Format format,
                                int fd, uint64_t id_limit, uint64_t from) {
  ScanResult result;
  bool own_fd = fd < 0;
  if (own_fd) {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return result;
      return absl::UnavailableError(
          absl::StrCat("cannot read ", path, ": ", strerror(errno)));
    }
  }
  std::string buffer;
  std::vector<char> chunk(kChunk);
  RecordSplitter splitter(format);
  uint64_t line_number = 0;  // lines before the current record
  bool first_record = from == 0;  // a csv header can only be first
  uint64_t offset = from;  // file offset of buffer[0]
  const std::string where =
      from == 0 ? path : absl::StrCat(path, " (after byte ", from, ")");
  absl::Status error;
  for (off_t pos = static_cast<off_t>(from);;) {
    ssize_t n = pread(fd, chunk.data(), chunk.size(), pos);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = absl::UnavailableError(
          absl::StrCat("cannot read ", path, ": ", strerror(errno)));
      break;
    }
    if (n == 0) break;
    pos += n;
    buffer.append(chunk.data(), static_cast<size_t>(n));
    size_t start = 0;
    while (size_t len = splitter.Next(absl::string_view(buffer).substr(start))) {
      absl::string_view line(buffer.data() + start, len - 1);
      uint64_t id;
      if (format == Format::kCsv && first_record &&
          absl::StrCat(line, "\n") == kCsvHeader) {
        result.has_csv_header = true;
      } else if (ParseId(format, line, &id) && id < id_limit) {
        ++result.records;
        if (!result.ids.Add(id)) ++result.duplicates;
      } else {
        error = absl::InvalidArgumentError(absl::StrCat(
            where, ":", line_number + 1, ": not a ", FormatName(format),
            " record of taskfarm"));
        break;
      }
      first_record = false;
      // A csv record may span lines: count them all, as an editor shows them.
      line_number +=
          1 + static_cast<uint64_t>(std::count(line.begin(), line.end(), '\n'));
      start += len;
    }
    if (!error.ok()) break;
    offset += start;
    buffer.erase(0, start);
  }
  if (own_fd) close(fd);
  if (!error.ok()) return error;
  result.valid_bytes = offset;
  result.torn_bytes = buffer.size();
  return result;
}

absl::Status Truncate(const std::string& path, uint64_t length, int fd) {
  int rc = fd >= 0 ? ftruncate(fd, static_cast<off_t>(length))
                   : truncate(path.c_str(), static_cast<off_t>(length));
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot truncate ", path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::journal
