#include "master/stats_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

std::string Why(const std::string& path) {
  return absl::StrCat("cannot write --stats-json=", path, ": ", strerror(errno));
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

absl::Status CheckStatsFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) errno = EISDIR;
    const int fd = S_ISDIR(st.st_mode)
                       ? -1
                       : open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return absl::InvalidArgumentError(Why(path));
    close(fd);
    return absl::OkStatus();
  }
  if (errno != ENOENT) return absl::InvalidArgumentError(Why(path));
  if (access(DirectoryOf(path).c_str(), W_OK | X_OK) != 0) {
    return absl::InvalidArgumentError(Why(path));
  }
  return absl::OkStatus();
}

absl::Status WriteStatsFile(const std::string& path, absl::string_view json) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::UnavailableError(Why(path));
  while (!json.empty()) {
    const ssize_t n = write(fd, json.data(), json.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      errno = error;
      return absl::UnavailableError(Why(path));
    }
    json.remove_prefix(static_cast<size_t>(n));
  }
  if (close(fd) != 0) return absl::UnavailableError(Why(path));
  return absl::OkStatus();
}

}  // namespace taskfarm::master
