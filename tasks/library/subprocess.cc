#include "tasks/library/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace taskfarm::tasks {
namespace {

constexpr char kDefaultPath[] = "/usr/local/bin:/usr/bin:/bin";

// Moves `fd` to a number >= 3 (close-on-exec), so that the child's dup2 onto
// 0, 1 and 2 cannot overwrite it. Returns -1 with errno set on failure.
int AboveStdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  int saved_errno = errno;
  close(fd);
  errno = saved_errno;
  return moved;
}

// A close-on-exec pipe whose ends are both >= 3. Returns errno's code.
absl::Status MakePipe(ScopedFd* read_end, ScopedFd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe");
  read_end->reset(AboveStdio(fds[0]));
  write_end->reset(AboveStdio(fds[1]));
  if (!read_end->valid() || !write_end->valid()) {
    return absl::ErrnoToStatus(errno, "pipe");
  }
  return absl::OkStatus();
}

// What the child needs, prepared before fork so that the child only makes
// async-signal-safe calls.
struct ChildSetup {
  pid_t parent;
  const char* path;
  char* const* argv;
  int stdin_fd, stdout_fd, stderr_fd;  // all >= 3
  int report_fd;                       // close-on-exec; gets errno on failure
  int open_max;                        // for when close_range is missing
};

// In the child: sends errno to the parent through the report pipe, exits.
[[noreturn]] void FailChild(int report_fd) {
  const int error = errno;
  (void)!write(report_fd, &error, sizeof(error));
  _exit(127);
}

[[noreturn]] void RunChild(const ChildSetup& setup) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != setup.parent) _exit(127);  // the parent died before prctl
  // Every signal is blocked (see Start): reset the actions, then unblock.
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) sigaction(s, &default_action, nullptr);
  if (dup2(setup.stdin_fd, 0) < 0 || dup2(setup.stdout_fd, 1) < 0 ||
      dup2(setup.stderr_fd, 2) < 0) {
    FailChild(setup.report_fd);
  }
  // Everything else closes at exec; the report pipe stays usable until then.
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < setup.open_max; ++fd) {
      if (fd != setup.report_fd) close(fd);
    }
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(setup.path, setup.argv, environ);
  FailChild(setup.report_fd);
}

}  // namespace

absl::StatusOr<std::string> FindProgram(absl::string_view name) {
  if (absl::StrContains(name, '/')) return std::string(name);
  const char* path = std::getenv("PATH");
  bool found_unexecutable = false;
  for (absl::string_view dir :
       absl::StrSplit(path != nullptr ? path : kDefaultPath, ':')) {
    std::string file = absl::StrCat(dir.empty() ? "." : dir, "/", name);
    struct stat st;
    if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (access(file.c_str(), X_OK) == 0) return file;
    found_unexecutable = true;
  }
  return absl::ErrnoToStatus(found_unexecutable ? EACCES : ENOENT, name);
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return absl::StrCat("exit ", WEXITSTATUS(wait_status));
  }
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    const char* abbrev = sigabbrev_np(sig);
    return absl::StrCat("killed by ",
                        abbrev != nullptr ? absl::StrCat("SIG", abbrev)
                                          : absl::StrCat("signal ", sig),
                        WCOREDUMP(wait_status) ? " (core dumped)" : "");
  }
  return absl::StrCat("wait status ", wait_status);
}

absl::StatusOr<Subprocess> Subprocess::Start(
    const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0].empty()) {
    return absl::InvalidArgumentError("no program given");
  }
  absl::StatusOr<std::string> path = FindProgram(argv[0]);
  if (!path.ok()) return path.status();
  std::vector<std::string> args = argv;
  std::vector<char*> arg_ptrs;
  for (std::string& arg : args) arg_ptrs.push_back(arg.data());
  arg_ptrs.push_back(nullptr);

  ScopedFd null_fd(AboveStdio(open("/dev/null", O_RDONLY | O_CLOEXEC)));
  if (!null_fd.valid()) return absl::ErrnoToStatus(errno, "/dev/null");
  ScopedFd out_read, out_write, err_read, err_write, report_read, report_write;
  for (auto [r, w] :
       {std::pair(&out_read, &out_write), std::pair(&err_read, &err_write),
        std::pair(&report_read, &report_write)}) {
    if (absl::Status s = MakePipe(r, w); !s.ok()) return s;
  }
  struct rlimit files = {};
  getrlimit(RLIMIT_NOFILE, &files);
  const ChildSetup setup = {
      .parent = getpid(),
      .path = path->c_str(),
      .argv = arg_ptrs.data(),
      .stdin_fd = null_fd.get(),
      .stdout_fd = out_write.get(),
      .stderr_fd = err_write.get(),
      .report_fd = report_write.get(),
      .open_max = static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20)),
  };

  // Block every signal across fork, so that none of the worker's handlers
  // runs in the child before RunChild resets them.
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
  const pid_t pid = fork();
  if (pid == 0) RunChild(setup);
  const int fork_errno = errno;
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) return absl::ErrnoToStatus(fork_errno, argv[0]);
  Subprocess child(pid, std::move(out_read), std::move(err_read));

  // The report pipe reaches end of file when execve succeeds; otherwise the
  // child writes its errno.
  report_write.reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(report_read.get(), &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  if (n == sizeof(child_errno)) {
    (void)child.Wait();
    return absl::ErrnoToStatus(child_errno, argv[0]);
  }
  return child;
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdout_(std::move(other.stdout_)),
      stderr_(std::move(other.stderr_)) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  KillAndReap();
  pid_ = std::exchange(other.pid_, -1);
  stdout_ = std::move(other.stdout_);
  stderr_ = std::move(other.stderr_);
  return *this;
}

Subprocess::~Subprocess() { KillAndReap(); }

absl::StatusOr<int> Subprocess::Wait() {
  stdout_.reset();
  stderr_.reset();
  if (pid_ < 0) return absl::FailedPreconditionError("no child to wait for");
  const pid_t pid = std::exchange(pid_, -1);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::ErrnoToStatus(errno, "waitpid");
  }
  return status;
}

void Subprocess::KillAndReap() {
  if (pid_ < 0) return;
  kill(pid_, SIGKILL);
  (void)Wait();
}

}  // namespace taskfarm::tasks
