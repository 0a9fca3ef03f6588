// File: tasks/library/subprocess.h
//
// Subprocess starts a program the way Node's child_process.execFile does:
// no shell (write `sh -c '...'` for one), the program looked up in PATH, its
// stdout and stderr sent to pipes the caller reads. It is made for running
// inside a worker:
//   - the child gets SIGKILL when the thread that started it dies
//     (PR_SET_PDEATHSIG), so a killed worker leaves no program behind;
//   - it starts with every signal at its default action and none blocked,
//     whatever the worker set up for itself;
//   - its stdin is /dev/null and no other descriptor of the worker leaks;
//   - a failed execve (not found, not executable, ...) comes back as the
//     error of Start, through a close-on-exec pipe, not as exit code 127.
// A Subprocess owns its child: destroying it before Wait kills and reaps it.
//
// Example:
//   absl::StatusOr<Subprocess> child = Subprocess::Start({"ls", "-l"});
//   if (!child.ok()) return child.status();
//   ... read child->stdout_fd() and child->stderr_fd() until end of file ...
//   absl::StatusOr<int> wait_status = child->Wait();
//
// Thread-compatible. Start forks: call it from a single-threaded process, or
// accept that only async-signal-safe calls run between fork and exec (they
// do here).

#ifndef TASKFARM_TASKS_LIBRARY_SUBPROCESS_H_
#define TASKFARM_TASKS_LIBRARY_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tasks/library/scoped_fd.h"

namespace taskfarm::tasks {

// The file execve should run for `name`: `name` itself if it contains a '/',
// else the first executable regular file DIR/name for DIR in $PATH (default
// "/usr/local/bin:/usr/bin:/bin"; an empty DIR is the current directory).
// Returns kNotFound ("NAME: No such file or directory") if there is none,
// kPermissionDenied if the only matches are not executable.
absl::StatusOr<std::string> FindProgram(absl::string_view name);

// "exit 3", "killed by SIGSEGV" or "killed by SIGABRT (core dumped)" for a
// status from waitpid.
std::string DescribeWaitStatus(int wait_status);

class Subprocess {
 public:
  // Starts argv[0] (see FindProgram) with arguments argv. Returns
  // kInvalidArgument for an empty argv; FindProgram's errors; or errno's
  // code with "ARGV0: strerror" when pipe, fork or execve fails.
  static absl::StatusOr<Subprocess> Start(const std::vector<std::string>& argv);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  // Kills (SIGKILL) and reaps the child unless Wait has returned.
  ~Subprocess();

  pid_t pid() const { return pid_; }
  // The read ends of the child's stdout and stderr.
  int stdout_fd() const { return stdout_.get(); }
  int stderr_fd() const { return stderr_.get(); }

  // Closes the pipes, waits for the child to end and returns its wait
  // status. Returns kFailedPrecondition if the child was already reaped,
  // and errno's code if waitpid fails (ECHILD: the process ignores
  // SIGCHLD, so the kernel reaped the child).
  absl::StatusOr<int> Wait();

 private:
  Subprocess(pid_t pid, ScopedFd out, ScopedFd err)
      : pid_(pid), stdout_(std::move(out)), stderr_(std::move(err)) {}
  void KillAndReap();

  pid_t pid_ = -1;  // -1 once reaped
  ScopedFd stdout_;
  ScopedFd stderr_;
};

}  // namespace taskfarm::tasks

#endif  // TASKFARM_TASKS_LIBRARY_SUBPROCESS_H_
