#include "journal/handoff.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace taskfarm::journal {
namespace {

constexpr char kMagic[] = "taskfarm-handoff 1";
constexpr size_t kMaxHeader = 256;

absl::Status Unavailable(const char* what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", what, " ", path, ": ", strerror(errno)));
}

absl::Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::UnavailableError(strerror(errno));
    data += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Reads exactly `size` bytes at `offset`; false at a short file.
bool ReadAt(int fd, char* data, size_t size, off_t offset) {
  while (size > 0) {
    ssize_t n = pread(fd, data, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
    offset += n;
  }
  return true;
}

uint64_t WordCount(uint64_t id_limit) { return (id_limit + 63) / 64; }

}  // namespace

absl::Status WriteHandoff(const std::string& path, const Handoff& h) {
  std::vector<uint64_t> words(static_cast<size_t>(WordCount(h.id_limit)));
  bool in_range = true;
  h.written.ForEach([&](uint64_t id) {
    if (id >= h.id_limit) {
      in_range = false;
      return;
    }
    words[id >> 6] |= uint64_t{1} << (id & 63);
  });
  if (!in_range) {
    return absl::InvalidArgumentError("handoff: an id beyond the batch's range");
  }
  const std::string header = absl::StrFormat(
      "%s id_limit=%d start=%d dev=%d ino=%d\n", kMagic, h.id_limit,
      h.start_offset, h.device, h.inode);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("write", path);
  absl::Status s = WriteAll(fd, header.data(), header.size());
  // The bitmap, little-endian as this machine is (the file never leaves it).
  if (s.ok()) {
    s = WriteAll(fd, reinterpret_cast<const char*>(words.data()),
                 words.size() * sizeof(uint64_t));
  }
  if (close(fd) != 0 && s.ok()) s = absl::UnavailableError(strerror(errno));
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Handoff> ReadHandoff(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unavailable("read", path);
  const absl::Status malformed =
      absl::InvalidArgumentError(absl::StrCat(path, ": not a taskfarm handoff"));
  char header[kMaxHeader + 1] = {};
  ssize_t n = pread(fd, header, kMaxHeader, 0);
  const char* newline =
      n > 0 ? static_cast<const char*>(memchr(header, '\n', static_cast<size_t>(n)))
            : nullptr;
  Handoff h;
  int consumed = 0;
  if (newline == nullptr ||
      sscanf(header,
             "taskfarm-handoff 1 id_limit=%" SCNu64 " start=%" SCNu64
             " dev=%" SCNu64 " ino=%" SCNu64 "%n",
             &h.id_limit, &h.start_offset, &h.device, &h.inode, &consumed) != 4 ||
      header + consumed != newline) {
    close(fd);
    return malformed;
  }
  const off_t body = newline + 1 - header;
  const uint64_t count = WordCount(h.id_limit);
  const off_t end = lseek(fd, 0, SEEK_END);
  if (end < body || static_cast<uint64_t>(end - body) != count * sizeof(uint64_t)) {
    close(fd);
    return malformed;  // cut short, or a bitmap of another size
  }
  std::vector<uint64_t> words(static_cast<size_t>(count));
  const bool read = ReadAt(fd, reinterpret_cast<char*>(words.data()),
                           words.size() * sizeof(uint64_t), body);
  close(fd);
  if (!read) return malformed;
  h.written = IdSet::FromWords(std::move(words));
  return h;
}

}  // namespace taskfarm::journal
