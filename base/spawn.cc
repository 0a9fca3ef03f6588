#include "base/spawn.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

extern char** environ;

namespace taskfarm::base {
namespace {

constexpr size_t kShownBytes = 60;

// Where a NUL byte is in `text`, or npos.
size_t NulAt(const std::string& text) { return text.find('\0'); }

// `text` quoted with C escapes, cut at kShownBytes.
std::string Shown(const std::string& text) {
  absl::string_view head = absl::string_view(text).substr(0, kShownBytes);
  return absl::StrCat("\"", absl::CEscape(head), "\"",
                      text.size() > kShownBytes ? "..." : "");
}

// In the child: reports errno to the parent and exits.
[[noreturn]] void FailChild(int error_fd) {
  const int error = errno;
  (void)!write(error_fd, &error, sizeof(error));
  _exit(127);
}

// Marks every descriptor from 3 up close-on-exec. Async-signal-safe.
void CloseFromThreeAtExec(int open_max) {
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  for (int fd = 3; fd < open_max; ++fd) (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

}  // namespace

absl::Status ExecPlan::Check(const ExecSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return absl::InvalidArgumentError("no program given");
  }
  for (size_t i = 0; i < spec.argv.size(); ++i) {
    const size_t at = NulAt(spec.argv[i]);
    if (at == std::string::npos) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        i == 0 ? "the program name (" : absl::StrCat("argument ", i, " ("),
        Shown(spec.argv[i]), ") has a NUL byte at offset ", at,
        "; a program's arguments cannot contain one (it would be cut there)"));
  }
  for (const std::string& entry : spec.extra_env) {
    if (NulAt(entry) == std::string::npos) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "environment entry ", Shown(entry), " has a NUL byte"));
  }
  if (NulAt(spec.path) != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("program path ", Shown(spec.path), " has a NUL byte"));
  }
  return absl::OkStatus();
}

ExecPlan::ExecPlan(ExecSpec spec) : spec_(std::move(spec)) {
  if (spec_.path.empty() && !spec_.argv.empty()) spec_.path = spec_.argv[0];
  for (std::string& arg : spec_.argv) argv_.push_back(arg.data());
  argv_.push_back(nullptr);
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    envp_.push_back(*e);
  }
  for (std::string& e : spec_.extra_env) envp_.push_back(e.data());
  envp_.push_back(nullptr);
  struct rlimit files = {};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    open_max_ = static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20));
  }
}

void ExecPlan::ExecInChild(pid_t parent, int error_fd) const {
  if (spec_.new_session) {
    if (setsid() < 0) FailChild(error_fd);
  } else if (spec_.new_process_group) {
    if (setpgid(0, 0) != 0) FailChild(error_fd);
  }
  if (spec_.parent_death_signal != 0) {
    prctl(PR_SET_PDEATHSIG, spec_.parent_death_signal);
    // The parent may have died before the prctl took effect.
    if (getppid() != parent) _exit(127);
  }
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) sigaction(s, &default_action, nullptr);
  const int stdio[3] = {spec_.stdin_fd, spec_.stdout_fd, spec_.stderr_fd};
  for (int target = 0; target < 3; ++target) {
    if (stdio[target] >= 0 && dup2(stdio[target], target) < 0) {
      FailChild(error_fd);
    }
  }
  // Everything else closes at exec; the error pipe stays usable until then.
  CloseFromThreeAtExec(open_max_);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(spec_.path.c_str(), argv_.data(), envp_.data());
  FailChild(error_fd);
}

absl::StatusOr<ExecErrorPipe> ExecErrorPipe::Create() {
  ExecErrorPipe pipe;
  if (absl::Status s = MakePipe(&pipe.read_, &pipe.write_); !s.ok()) return s;
  return pipe;
}

int ExecErrorPipe::AwaitExec() {
  write_.reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(read_.get(), &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  read_.reset();
  return n == static_cast<ssize_t>(sizeof(child_errno)) ? child_errno : 0;
}

BlockAllSignals::BlockAllSignals() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old_);
}

BlockAllSignals::~BlockAllSignals() {
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

int AboveStdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  const int saved_errno = errno;
  close(fd);
  errno = saved_errno;
  return moved;
}

absl::Status MakePipe(ScopedFd* read_end, ScopedFd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::ResourceExhaustedError(absl::StrCat("pipe: ", strerror(errno)));
  }
  read_end->reset(AboveStdio(fds[0]));
  write_end->reset(AboveStdio(fds[1]));
  if (!read_end->valid() || !write_end->valid()) {
    return absl::ResourceExhaustedError(absl::StrCat("pipe: ", strerror(errno)));
  }
  return absl::OkStatus();
}

void CloseAllExcept(const int* keep, int count) {
  // Ascending order without allocating: close the gap below each kept
  // descriptor, smallest first.
  unsigned int from = 3;
  for (;;) {
    int next = -1;
    for (int i = 0; i < count; ++i) {
      if (keep[i] >= static_cast<int>(from) && (next < 0 || keep[i] < next)) {
        next = keep[i];
      }
    }
    const unsigned int to = next < 0 ? ~0U : static_cast<unsigned int>(next);
    if (to > from && close_range(from, to - 1, 0) != 0) {
      // Before Linux 5.9: one close each, up to the descriptor limit.
      struct rlimit files = {};
      getrlimit(RLIMIT_NOFILE, &files);
      const unsigned int end =
          next >= 0 ? to
                    : static_cast<unsigned int>(
                          std::min<rlim_t>(files.rlim_cur, 1 << 20));
      for (unsigned int fd = from; fd < end; ++fd) close(static_cast<int>(fd));
    }
    if (next < 0) return;
    from = static_cast<unsigned int>(next) + 1;
  }
}

absl::StatusOr<pid_t> Spawn(ExecSpec spec) {
  if (absl::Status s = ExecPlan::Check(spec); !s.ok()) return s;
  const ExecPlan plan(std::move(spec));
  const std::string& name = plan.spec().argv[0];
  absl::StatusOr<ExecErrorPipe> pipe = ExecErrorPipe::Create();
  if (!pipe.ok()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(name, ": ", pipe.status().message()));
  }
  const pid_t parent = getpid();
  pid_t pid;
  int fork_errno;
  {
    BlockAllSignals blocked;
    pid = fork();
    if (pid == 0) plan.ExecInChild(parent, pipe->write_fd());
    fork_errno = errno;
  }
  if (pid < 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat(name, ": fork: ", strerror(fork_errno)));
  }
  if (const int child_errno = pipe->AwaitExec(); child_errno != 0) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return absl::ErrnoToStatus(child_errno, name);
  }
  return pid;
}

}  // namespace taskfarm::base
