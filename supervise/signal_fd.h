// File: supervise/signal_fd.h
//
// SignalFd turns SIGINT, SIGTERM, SIGQUIT and SIGCHLD into a readable file
// descriptor, polled beside the sockets (s6's selfpipe, with signalfd). The
// signals are blocked in the calling thread, so create it before any other
// thread (ZeroMQ's) starts: threads inherit the mask. Children get an empty
// mask back at exec (supervise/child_process.cc).
//
// Use from one thread.

#ifndef TASKFARM_SUPERVISE_SIGNAL_FD_H_
#define TASKFARM_SUPERVISE_SIGNAL_FD_H_

#include <vector>

#include "absl/status/statusor.h"

namespace taskfarm::supervise {

class SignalFd {
 public:
  static absl::StatusOr<SignalFd> Create();
  SignalFd(SignalFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  SignalFd& operator=(SignalFd&&) = delete;
  SignalFd(const SignalFd&) = delete;
  ~SignalFd();

  int fd() const { return fd_; }
  // Every signal waiting (non-blocking); empty if none.
  std::vector<int> Read();

 private:
  explicit SignalFd(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_SIGNAL_FD_H_
