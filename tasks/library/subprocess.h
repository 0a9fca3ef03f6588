// File: tasks/library/subprocess.h
//
// Subprocess starts a program the way Node's child_process.execFile does:
// no shell (write `sh -c '...'` for one), the program looked up in PATH
// (base/find_program.h), its stdout and stderr sent to pipes the caller
// reads. It is made for running inside a worker:
//   - the program runs in a process group of its own, which a guard process
//     kills (SIGKILL) when the program exits, when the Subprocess is killed
//     or destroyed, and when the worker dies, however it dies: nothing the
//     task started outlives it (group_guard.h says how, and what escapes:
//     a process that leaves the group with setsid or setpgid);
//   - it starts with every signal at its default action and none blocked,
//     whatever the worker set up for itself;
//   - its stdin is /dev/null and no other descriptor of the worker leaks;
//   - a failed execve (not found, not executable, ...) comes back as the
//     error of Start, not as exit code 127 (base/spawn.h);
//   - an argument holding a NUL byte is refused, not cut short.
// A Subprocess owns its program: destroying it before Wait kills its group
// and reaps it.
//
// Example:
//   absl::StatusOr<Subprocess> child = Subprocess::Start({"ls", "-l"});
//   if (!child.ok()) return child.status();
//   ... read child->stdout_fd() and child->stderr_fd() until end of file ...
//   absl::StatusOr<int> wait_status = child->Wait();
//
// Thread-compatible. Start forks; only async-signal-safe calls run in the
// children before exec, so any thread of a multithreaded process may call
// it.

#ifndef TASKFARM_TASKS_LIBRARY_SUBPROCESS_H_
#define TASKFARM_TASKS_LIBRARY_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/scoped_fd.h"

namespace taskfarm::tasks {

// "exit 3", "killed by SIGSEGV" or "killed by SIGABRT (core dumped)" for a
// status from waitpid.
std::string DescribeWaitStatus(int wait_status);

class Subprocess {
 public:
  // Starts argv[0] (see base::FindProgram) with arguments argv. Returns
  // kInvalidArgument for an empty argv or an argument with a NUL byte;
  // FindProgram's errors; kResourceExhausted ("ARGV0: fork: REASON") if a
  // pipe or a process cannot be made; errno's code with "ARGV0: REASON"
  // if execve fails.
  static absl::StatusOr<Subprocess> Start(const std::vector<std::string>& argv);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  // Kill() unless Wait has returned.
  ~Subprocess();

  // The program's pid, which is also its process group id.
  pid_t pid() const { return program_; }
  // The read ends of the program's stdout and stderr.
  int stdout_fd() const { return stdout_.get(); }
  int stderr_fd() const { return stderr_.get(); }

  // Closes the pipes, waits for the program to end (what it left running
  // is killed then) and returns its wait status. Returns
  // kFailedPrecondition if it was already waited for or killed, kInternal
  // if its guard died without saying how it ended.
  absl::StatusOr<int> Wait();

  // Kills the program and its whole process group (SIGKILL) and reaps
  // them; does nothing if Wait has returned. Idempotent.
  void Kill();

 private:
  Subprocess(pid_t guard, pid_t program, base::ScopedFd out, base::ScopedFd err,
             base::ScopedFd lifeline, base::ScopedFd reports)
      : guard_(guard), program_(program), stdout_(std::move(out)),
        stderr_(std::move(err)), lifeline_(std::move(lifeline)),
        reports_(std::move(reports)) {}

  pid_t guard_ = -1;  // -1 once reaped
  pid_t program_ = -1;
  base::ScopedFd stdout_;
  base::ScopedFd stderr_;
  base::ScopedFd lifeline_;  // its end of file tells the guard to kill
  base::ScopedFd reports_;   // GuardReports from the guard
};

}  // namespace taskfarm::tasks

#endif  // TASKFARM_TASKS_LIBRARY_SUBPROCESS_H_
