#include "supervise/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace taskfarm::supervise {
namespace {

absl::Status ExecError(int err, const std::string& path) {
  std::string message = absl::StrCat("cannot run ", path, ": ", strerror(err));
  if (err == ENOENT || err == ENOTDIR) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) {
    return absl::PermissionDeniedError(message);
  }
  return absl::InternalError(message);
}

// Runs in the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecChild(char* const* argv, char* const* envp,
                            const SpawnOptions& options, pid_t parent,
                            int error_fd) {
  if (options.new_session) setsid();
  if (options.parent_death_signal != 0) {
    prctl(PR_SET_PDEATHSIG, options.parent_death_signal);
    // The parent may have died before the prctl took effect.
    if (getppid() != parent) _exit(127);
  }
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Descriptors the parent forgot to mark close-on-exec stay out of the child.
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  execve(argv[0], argv, envp);
  int err = errno;
  ssize_t unused = write(error_fd, &err, sizeof(err));
  (void)unused;
  _exit(127);
}

}  // namespace

absl::StatusOr<ChildProcess> ChildProcess::Spawn(
    const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  // Everything the child needs is built before fork: no allocation after it.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const std::string& e : options.env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat("pipe: ", strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return absl::ResourceExhaustedError(absl::StrCat("fork: ", strerror(err)));
  }
  if (pid == 0) ExecChild(args.data(), envp.data(), options, parent, pipe_fds[1]);

  close(pipe_fds[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(pipe_fds[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(pipe_fds[0]);
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return ExecError(child_errno, argv[0]);
  }
  return ChildProcess(pid, options.stop_grace);
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
