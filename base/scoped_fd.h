// File: base/scoped_fd.h
//
// ScopedFd owns a POSIX file descriptor and closes it when it goes out of
// scope, the way std::unique_ptr owns memory. It is move-only; -1 means
// "none".
//
// Example:
//   ScopedFd fd(open(path, O_RDONLY | O_CLOEXEC));
//   if (!fd.valid()) return absl::ErrnoToStatus(errno, path);
//   read(fd.get(), ...);
//
// Thread-compatible.

#ifndef TASKFARM_BASE_SCOPED_FD_H_
#define TASKFARM_BASE_SCOPED_FD_H_

#include <unistd.h>

#include <utility>

namespace taskfarm::base {

class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(other.release()) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // Gives up ownership and returns the descriptor.
  [[nodiscard]] int release() { return std::exchange(fd_, -1); }

  // Closes the descriptor held (if any) and takes `fd`.
  void reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_SCOPED_FD_H_
