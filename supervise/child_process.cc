#include "supervise/child_process.h"

#include <signal.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/spawn.h"

namespace taskfarm::supervise {

absl::StatusOr<ChildProcess> ChildProcess::Spawn(
    const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  absl::StatusOr<pid_t> pid = base::Spawn(
      {.argv = argv,
       .extra_env = options.env,
       .new_session = options.new_session,
       .parent_death_signal = options.parent_death_signal});
  if (!pid.ok()) {
    return absl::Status(pid.status().code(),
                        absl::StrCat("cannot run ", pid.status().message()));
  }
  return ChildProcess(*pid, options.stop_grace);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), stop_grace_(other.stop_grace_), exit_(other.exit_) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (running()) Stop();
    pid_ = other.pid_;
    stop_grace_ = other.stop_grace_;
    exit_ = other.exit_;
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (running()) Stop();
}

void ChildProcess::Kill(int signal) const {
  if (running()) kill(pid_, signal);
}

std::optional<ExitStatus> ChildProcess::TryReap() {
  if (pid_ <= 0) return std::nullopt;
  if (exit_) return exit_;
  int status;
  pid_t r;
  do {
    r = waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exit_ = ExitStatus::FromWait(status);
  } else if (r < 0 && errno == ECHILD) {
    // Reaped elsewhere (should not happen): report it as gone.
    exit_ = ExitStatus{true, SIGKILL};
  }
  return exit_;
}

std::optional<ExitStatus> ChildProcess::WaitFor(
    std::chrono::milliseconds timeout) {
  if (std::optional<ExitStatus> st = TryReap()) return st;
  if (pid_ <= 0) return std::nullopt;
  // A pidfd becomes readable when the child exits: wait on it, bounded.
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (fd >= 0) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      int r = poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
      if (r >= 0 || errno != EINTR) break;
    }
    close(fd);
  }
  return TryReap();
}

ExitStatus ChildProcess::Stop() {
  if (pid_ <= 0) return ExitStatus{};
  if (std::optional<ExitStatus> st = TryReap()) return *st;
  kill(pid_, SIGTERM);
  if (std::optional<ExitStatus> st = WaitFor(stop_grace_)) return *st;
  kill(pid_, SIGKILL);
  int status;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_ = ExitStatus::FromWait(status);
  return *exit_;
}

}  // namespace taskfarm::supervise
