#include "journal/output_lock.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include "absl/strings/match.h"

namespace taskfarm::journal {
namespace {

struct flock OneByte(short type, off_t byte) {
  struct flock lock = {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  lock.l_pid = 0;  // OFD locks require it
  return lock;
}

}  // namespace

bool IsStream(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return true;
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0              ? "/"
                                                    : path.substr(0, slash);
  char real[PATH_MAX];
  if (realpath(dir.c_str(), real) == nullptr) return false;
  const absl::string_view r(real);
  return r == "/dev" || r == "/proc" || absl::StartsWith(r, "/dev/") ||
         absl::StartsWith(r, "/proc/");
}

LockResult LockByte(int fd, off_t byte) {
  struct flock lock = OneByte(F_WRLCK, byte);
  while (fcntl(fd, F_OFD_SETLK, &lock) != 0) {
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EACCES) return LockResult::kBusy;
    return LockResult::kUnsupported;  // ENOLCK, EINVAL, EOPNOTSUPP, ...
  }
  return LockResult::kLocked;
}

bool ByteLocked(int fd, off_t byte) {
  struct flock lock = OneByte(F_WRLCK, byte);
  if (fcntl(fd, F_OFD_GETLK, &lock) != 0) return false;
  return lock.l_type != F_UNLCK;
}

}  // namespace taskfarm::journal
