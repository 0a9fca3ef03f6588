#include "supervise/signal_fd.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace taskfarm::supervise {

absl::StatusOr<SignalFd> SignalFd::Create() {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGINT, SIGTERM, SIGQUIT, SIGCHLD}) sigaddset(&mask, s);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) {
    return absl::InternalError(absl::StrCat("sigprocmask: ", strerror(errno)));
  }
  int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("signalfd: ", strerror(errno)));
  }
  // A closed output pipe must not kill the master; the logger reports it.
  signal(SIGPIPE, SIG_IGN);
  return SignalFd(fd);
}

SignalFd::~SignalFd() {
  if (fd_ >= 0) close(fd_);
}

std::vector<int> SignalFd::Read() {
  std::vector<int> signals;
  signalfd_siginfo info;
  while (read(fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
    signals.push_back(static_cast<int>(info.ssi_signo));
  }
  return signals;
}

}  // namespace taskfarm::supervise
