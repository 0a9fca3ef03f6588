// File: supervise/child_process.h
//
// ChildProcess owns one child started by fork+exec. The child runs in its own
// session (so a terminal's Ctrl-C reaches only the master, which then shuts
// down in order), with every signal unblocked and default, and dies with its
// parent (PR_SET_PDEATHSIG, plus a parent check that closes the race where
// the parent died before the prctl). The destructor stops a child that is
// still running: SIGTERM, a bounded wait, then SIGKILL, and always reaps it,
// so no ChildProcess leaves a zombie or an orphan behind.
//
// Example:
//   absl::StatusOr<ChildProcess> child =
//       ChildProcess::Spawn({"/path/worker", "--connect=ipc://..."}, {});
//   ...
//   if (std::optional<ExitStatus> st = child->TryReap()) ...
//
// Move-only; use from one thread.

#ifndef TASKFARM_SUPERVISE_CHILD_PROCESS_H_
#define TASKFARM_SUPERVISE_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "supervise/exit_status.h"

namespace taskfarm::supervise {

struct SpawnOptions {
  // Signal the child gets when the parent dies; 0 for none.
  int parent_death_signal = 9;  // SIGKILL
  // Start a new session (setsid).
  bool new_session = true;
  // Extra environment entries "NAME=value", added to the parent's.
  std::vector<std::string> env;
  // How long the destructor waits after SIGTERM before SIGKILL.
  std::chrono::milliseconds stop_grace{2000};
};

class ChildProcess {
 public:
  // Forks and execs argv[0] (a path) with argv. Returns kNotFound or
  // kPermissionDenied if it cannot be executed (reported by the child over a
  // close-on-exec pipe, so a failed exec is never mistaken for a crash),
  // kResourceExhausted if fork fails.
  static absl::StatusOr<ChildProcess> Spawn(
      const std::vector<std::string>& argv, const SpawnOptions& options);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !exit_.has_value(); }

  // Sends `signal` if the child has not been reaped.
  void Kill(int signal) const;

  // Reaps the child if it has exited (waitpid WNOHANG).
  [[nodiscard]] std::optional<ExitStatus> TryReap();

  // Waits up to `timeout` for the child to exit.
  [[nodiscard]] std::optional<ExitStatus> WaitFor(
      std::chrono::milliseconds timeout);

  // SIGTERM, up to stop_grace, then SIGKILL; reaps. Idempotent.
  ExitStatus Stop();

  const std::optional<ExitStatus>& exit_status() const { return exit_; }

 private:
  ChildProcess(pid_t pid, std::chrono::milliseconds stop_grace)
      : pid_(pid), stop_grace_(stop_grace) {}

  pid_t pid_ = -1;
  std::chrono::milliseconds stop_grace_{2000};
  std::optional<ExitStatus> exit_;
};

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_CHILD_PROCESS_H_
