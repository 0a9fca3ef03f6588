#include "tasks/library/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/find_program.h"
#include "base/signal_name.h"
#include "base/spawn.h"
#include "tasks/library/group_guard.h"

namespace taskfarm::tasks {
namespace {

// The next report from the guard; kind 0 if it died without one.
GuardReport ReadReport(int fd) {
  GuardReport report;
  ssize_t n;
  do {
    n = read(fd, &report, sizeof(report));
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof(report))) return GuardReport{};
  return report;
}

void Reap(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return absl::StrCat("exit ", WEXITSTATUS(wait_status));
  }
  if (WIFSIGNALED(wait_status)) {
    return absl::StrCat("killed by ", base::SignalName(WTERMSIG(wait_status)),
                        WCOREDUMP(wait_status) ? " (core dumped)" : "");
  }
  return absl::StrCat("wait status ", wait_status);
}

absl::StatusOr<Subprocess> Subprocess::Start(
    const std::vector<std::string>& argv) {
  base::ExecSpec spec{.argv = argv,
                      .new_process_group = true,
                      .parent_death_signal = SIGKILL};
  if (absl::Status s = base::ExecPlan::Check(spec); !s.ok()) return s;
  absl::StatusOr<std::string> path = base::FindProgram(argv[0]);
  if (!path.ok()) return path.status();
  spec.path = *std::move(path);

  auto failed = [&argv](const absl::Status& s) {
    return absl::Status(s.code(), absl::StrCat(argv[0], ": ", s.message()));
  };
  base::ScopedFd null_fd(
      base::AboveStdio(open("/dev/null", O_RDONLY | O_CLOEXEC)));
  if (!null_fd.valid()) return absl::ErrnoToStatus(errno, "/dev/null");
  base::ScopedFd out_read, out_write, err_read, err_write, life_read,
      life_write, report_read, report_write;
  for (auto [r, w] : {std::pair(&out_read, &out_write),
                      std::pair(&err_read, &err_write),
                      std::pair(&life_read, &life_write),
                      std::pair(&report_read, &report_write)}) {
    if (absl::Status s = base::MakePipe(r, w); !s.ok()) return failed(s);
  }
  spec.stdin_fd = null_fd.get();
  spec.stdout_fd = out_write.get();
  spec.stderr_fd = err_write.get();
  const base::ExecPlan plan(std::move(spec));
  const GuardFds fds{.lifeline = life_read.get(),
                     .report = report_write.get(),
                     .stdin_fd = null_fd.get(),
                     .stdout_fd = out_write.get(),
                     .stderr_fd = err_write.get()};
  pid_t guard;
  int fork_errno;
  {
    base::BlockAllSignals blocked;
    guard = fork();
    if (guard == 0) RunGuard(plan, fds);
    fork_errno = errno;
  }
  if (guard < 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat(argv[0], ": fork: ", strerror(fork_errno)));
  }
  // Only the guard and the program hold these now.
  for (base::ScopedFd* fd :
       {&null_fd, &out_write, &err_write, &life_read, &report_write}) {
    fd->reset();
  }
  const GuardReport started = ReadReport(report_read.get());
  if (started.kind != GuardReport::kStarted) {
    Reap(guard);
    if (started.kind == GuardReport::kExecFailed) {
      return absl::ErrnoToStatus(started.value, argv[0]);
    }
    return absl::InternalError(
        absl::StrCat(argv[0], ": the process starting it died"));
  }
  return Subprocess(guard, started.value, std::move(out_read),
                    std::move(err_read), std::move(life_write),
                    std::move(report_read));
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : guard_(std::exchange(other.guard_, -1)),
      program_(std::exchange(other.program_, -1)),
      stdout_(std::move(other.stdout_)),
      stderr_(std::move(other.stderr_)),
      lifeline_(std::move(other.lifeline_)),
      reports_(std::move(other.reports_)) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  Kill();
  guard_ = std::exchange(other.guard_, -1);
  program_ = std::exchange(other.program_, -1);
  stdout_ = std::move(other.stdout_);
  stderr_ = std::move(other.stderr_);
  lifeline_ = std::move(other.lifeline_);
  reports_ = std::move(other.reports_);
  return *this;
}

Subprocess::~Subprocess() { Kill(); }

absl::StatusOr<int> Subprocess::Wait() {
  stdout_.reset();
  stderr_.reset();
  if (guard_ < 0) return absl::FailedPreconditionError("no program to wait for");
  const GuardReport ended = ReadReport(reports_.get());
  Kill();  // the guard has exited (or died): this only reaps it
  if (ended.kind != GuardReport::kExited) {
    return absl::InternalError("lost track of the program: its guard died");
  }
  return ended.value;
}

void Subprocess::Kill() {
  if (guard_ < 0) return;
  lifeline_.reset();  // end of file: the guard kills the group, then exits
  Reap(std::exchange(guard_, -1));
  reports_.reset();
  stdout_.reset();
  stderr_.reset();
}

}  // namespace taskfarm::tasks
