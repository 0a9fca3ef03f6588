// File: supervise/exit_status.h
//
// How a child process ended, as waitpid reports it, and the words people
// read for it: "exit 3", "SIGSEGV".
//
// Value type; thread-compatible.

#ifndef TASKFARM_SUPERVISE_EXIT_STATUS_H_
#define TASKFARM_SUPERVISE_EXIT_STATUS_H_

#include <string>

namespace taskfarm::supervise {

struct ExitStatus {
  bool signaled = false;  // killed by a signal, not exited
  int code = 0;           // exit code, or signal number if signaled

  // From a waitpid status word.
  static ExitStatus FromWait(int wait_status);

  bool clean() const { return !signaled && code == 0; }

  // "exit 3", "SIGSEGV", "exit 0".
  std::string ToString() const;

  friend bool operator==(const ExitStatus&, const ExitStatus&) = default;
};

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_EXIT_STATUS_H_
