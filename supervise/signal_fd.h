// File: supervise/signal_fd.h
//
// SignalFd turns SIGINT, SIGTERM, SIGQUIT, SIGHUP (a closed terminal) and
// SIGCHLD into a readable file descriptor, polled beside the sockets (s6's
// selfpipe, with signalfd). The signals are blocked in the calling thread,
// so create it before any other thread (ZeroMQ's) starts: threads inherit
// the mask. Children get an empty
// mask back at exec (supervise/child_process.cc). Destroying it gives the
// thread its signal mask and SIGPIPE disposition back, as they were before
// Create: a program that embeds a master keeps running afterwards.
//
// Use from one thread.

#ifndef TASKFARM_SUPERVISE_SIGNAL_FD_H_
#define TASKFARM_SUPERVISE_SIGNAL_FD_H_

#include <signal.h>

#include <vector>

#include "absl/status/statusor.h"

namespace taskfarm::supervise {

class SignalFd {
 public:
  static absl::StatusOr<SignalFd> Create();
  SignalFd(SignalFd&& other) noexcept
      : fd_(other.fd_), old_mask_(other.old_mask_), old_pipe_(other.old_pipe_) {
    other.fd_ = -1;
  }
  SignalFd& operator=(SignalFd&&) = delete;
  SignalFd(const SignalFd&) = delete;
  ~SignalFd();

  int fd() const { return fd_; }
  // Every signal waiting (non-blocking); empty if none.
  std::vector<int> Read();

 private:
  SignalFd(int fd, const sigset_t& old_mask, const struct sigaction& old_pipe)
      : fd_(fd), old_mask_(old_mask), old_pipe_(old_pipe) {}
  int fd_;
  sigset_t old_mask_;            // restored on destruction
  struct sigaction old_pipe_;    // SIGPIPE's disposition, likewise
};

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_SIGNAL_FD_H_
