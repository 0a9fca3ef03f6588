#include "tasks/library/group_guard.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace taskfarm::tasks {
namespace {

// How often the guard looks at the program when the kernel has no pidfd.
constexpr int kPollMs = 10;

void Report(int fd, GuardReport::Kind kind, int32_t value) {
  const GuardReport report{kind, value};
  ssize_t n;
  do {
    n = write(fd, &report, sizeof(report));
  } while (n < 0 && errno == EINTR);
}

// Reports `error` as the program's failure to start, and exits.
[[noreturn]] void FailToStart(int report_fd, int error) {
  Report(report_fd, GuardReport::kExecFailed, error);
  _exit(0);
}

// Whether `pid` has exited (it stays a zombie, so its group id stays
// reserved and cannot name another group).
bool Exited(pid_t pid) {
  siginfo_t info = {};
  if (waitid(P_PID, static_cast<id_t>(pid), &info,
             WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno != EINTR;  // ECHILD: nothing left to watch
  }
  return info.si_pid == pid;
}

// Returns once the program has exited, or the lifeline has ended (or
// carries anything): the worker is gone, or asks for the kill.
void Watch(pid_t program, int lifeline) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, program, 0));
  for (;;) {
    pollfd fds[2] = {{lifeline, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(fds, 2, pidfd >= 0 ? -1 : kPollMs) < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) break;
    if (pidfd >= 0 ? fds[1].revents != 0 : Exited(program)) break;
  }
  if (pidfd >= 0) close(pidfd);
}

}  // namespace

void RunGuard(const base::ExecPlan& plan, const GuardFds& fds) {
  setsid();
  const int keep[] = {fds.lifeline, fds.report, fds.stdin_fd, fds.stdout_fd,
                      fds.stderr_fd};
  base::CloseAllExcept(keep, 5);
  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) FailToStart(fds.report, errno);
  const pid_t guard = getpid();
  // _Fork: no fork handlers, async-signal-safe.
  const pid_t program = _Fork();
  if (program < 0) FailToStart(fds.report, errno);
  if (program == 0) {
    close(exec_error[0]);
    plan.ExecInChild(guard, exec_error[1]);
  }
  // The program makes its group itself too: whichever runs first, the
  // group exists before the guard could need to kill it.
  setpgid(program, program);
  close(exec_error[1]);
  for (int fd : {fds.stdin_fd, fds.stdout_fd, fds.stderr_fd}) close(fd);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(exec_error[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(exec_error[0]);
  int status = 0;
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    while (waitpid(program, &status, 0) < 0 && errno == EINTR) {
    }
    FailToStart(fds.report, child_errno);
  }
  Report(fds.report, GuardReport::kStarted, program);
  Watch(program, fds.lifeline);
  kill(-program, SIGKILL);
  while (waitpid(program, &status, 0) < 0 && errno == EINTR) {
  }
  Report(fds.report, GuardReport::kExited, status);
  _exit(0);
}

}  // namespace taskfarm::tasks
