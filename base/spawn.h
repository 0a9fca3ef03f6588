// File: base/spawn.h
//
// One way to start a program: fork, then exec, with a failed exec reported
// to the parent through a close-on-exec pipe (the child's errno, so that it
// is never mistaken for an exit code 127 of the program itself). The master
// starts its workers and logger with it (supervise/child_process.h), the
// exec task its programs (tasks/library/subprocess.h).
//
// Between fork and exec the child makes only async-signal-safe calls, as the
// child of a multithreaded process must: what it needs (the argument and
// environment arrays) is built before the fork, in an ExecPlan. The child
//   - starts a new session, or a new process group, if asked;
//   - gets `parent_death_signal` when the thread that forked it dies, and
//     exits at once if its parent is already gone;
//   - runs with every signal at its default action and none blocked;
//   - takes stdin, stdout and stderr from the descriptors given;
//   - inherits no other descriptor: every one from 3 up is closed at exec
//     (close_range's CLOSE_RANGE_CLOEXEC; one fcntl each before Linux 5.11).
//
// Example:
//   absl::StatusOr<pid_t> pid = base::Spawn({.argv = {"/bin/true"}});
//   if (!pid.ok()) return pid.status();  // "/bin/true: No such file ..."
//
// Thread-safe (fork copies only the calling thread).

#ifndef TASKFARM_BASE_SPAWN_H_
#define TASKFARM_BASE_SPAWN_H_

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/scoped_fd.h"

namespace taskfarm::base {

struct ExecSpec {
  std::vector<std::string> argv;       // argv[0] names the program
  std::string path;                    // the file to execute; "" = argv[0]
  std::vector<std::string> extra_env;  // "NAME=value", added to environ
  bool new_session = false;            // setsid()
  bool new_process_group = false;      // setpgid(0, 0)
  int parent_death_signal = 0;         // PR_SET_PDEATHSIG; 0 for none
  // Descriptors the child gets as 0, 1 and 2 (each >= 3, so that no dup2
  // overwrites another); -1 keeps the parent's.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// An ExecSpec made ready for a child to use after fork.
class ExecPlan {
 public:
  // Returns kInvalidArgument, with a message for people, for an empty argv
  // or argv[0], or for an argument or environment entry holding a NUL byte
  // (a C string would end there: the program would get it cut short).
  static absl::Status Check(const ExecSpec& spec);

  // Requires Check(spec).ok(). Takes a snapshot of environ.
  explicit ExecPlan(ExecSpec spec);
  ExecPlan(const ExecPlan&) = delete;
  ExecPlan& operator=(const ExecPlan&) = delete;

  // In a child after fork: sets it up as the spec says and execs. `parent`
  // is the pid of the process that forked it. If a step fails, writes errno
  // (an int) to `error_fd` and exits 127. Async-signal-safe.
  [[noreturn]] void ExecInChild(pid_t parent, int error_fd) const;

  const ExecSpec& spec() const { return spec_; }

 private:
  ExecSpec spec_;
  std::vector<char*> argv_;  // into spec_.argv, null-terminated
  std::vector<char*> envp_;  // into environ and spec_.extra_env
  int open_max_ = 1024;      // for the fcntl fallback
};

// The pipe on which a child reports a failed exec: close-on-exec, so it
// reaches end of file when the child's exec succeeds.
class ExecErrorPipe {
 public:
  // Returns kResourceExhausted ("pipe: REASON") if it cannot be made.
  static absl::StatusOr<ExecErrorPipe> Create();

  int write_fd() const { return write_.get(); }

  // In the parent, after fork: closes the write end and waits for the
  // child to exec or to fail. Returns 0 if it exec'd, else its errno.
  int AwaitExec();

 private:
  ScopedFd read_, write_;
};

// Blocks every signal until it goes out of scope, then restores the mask:
// around fork, so that no handler of the parent runs in the child before
// the child resets them.
class BlockAllSignals {
 public:
  BlockAllSignals();
  ~BlockAllSignals();
  BlockAllSignals(const BlockAllSignals&) = delete;
  BlockAllSignals& operator=(const BlockAllSignals&) = delete;

 private:
  sigset_t old_;
};

// A close-on-exec pipe whose ends are both >= 3. Returns kResourceExhausted
// ("pipe: REASON") if it cannot be made.
absl::Status MakePipe(ScopedFd* read_end, ScopedFd* write_end);

// Moves `fd` to a number >= 3 (close-on-exec) if it is 0, 1 or 2, so that
// a child's dup2 onto its stdio cannot overwrite it. Returns the new
// descriptor, or -1 with errno set (`fd` is closed either way).
int AboveStdio(int fd);

// Closes every descriptor from 3 up except the `count` in `keep`.
// Async-signal-safe.
void CloseAllExcept(const int* keep, int count);

// Forks and execs `spec`. Returns the child's pid once it runs the program.
// Returns ExecPlan::Check's errors; kResourceExhausted ("ARGV0: fork:
// REASON") if the pipe or the process cannot be made; errno's code
// ("ARGV0: REASON", e.g. kNotFound, kPermissionDenied) if exec fails, the
// failed child reaped.
absl::StatusOr<pid_t> Spawn(ExecSpec spec);

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_SPAWN_H_
