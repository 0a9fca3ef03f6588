// File: tasks/library/group_guard.h
//
// The guard of one exec task's processes. A program an exec task starts
// runs in a process group of its own (its pid is the group id), and
// everything it starts joins that group unless it leaves on purpose (setsid
// or setpgid; only a cgroup would hold those). The guard is a small process
// between the worker and the program: it forks the program, watches it, and
// kills its whole group (SIGKILL):
//   - when the program exits: whatever it left running in the background
//     dies with the task (`sh -c 'sleep 100 & echo hi'` ends at once);
//   - when the worker asks (Subprocess::Kill, its destructor);
//   - when the worker dies, however it dies (a task past --timeout, SIGKILL
//     from its master, its master killed so that PR_SET_PDEATHSIG killed
//     it): the guard holds the read end of a "lifeline" pipe whose only
//     write end is the worker's, and its end of file is the signal. A
//     process of its own is needed because a process killed by SIGKILL
//     cleans nothing up; PR_SET_PDEATHSIG alone would kill only the program,
//     not what it started, and a subreaper does not kill its orphans.
// The guard is in a session of its own, with every signal blocked, so that
// neither a terminal's Ctrl-C nor a signal to the worker's process group
// ends it before it did its job; it exits as soon as the group is dead.
//
// It tells the worker, on a report pipe, three things as GuardReports:
// the program started (its pid), or could not (the errno of its exec);
// then how it ended (its wait status).
//
// Use: Subprocess (subprocess.h) forks the guard and calls RunGuard in it.

#ifndef TASKFARM_TASKS_LIBRARY_GROUP_GUARD_H_
#define TASKFARM_TASKS_LIBRARY_GROUP_GUARD_H_

#include <cstdint>

#include "base/spawn.h"

namespace taskfarm::tasks {

struct GuardReport {
  enum Kind : int32_t { kStarted = 1, kExecFailed = 2, kExited = 3 };
  int32_t kind = 0;
  int32_t value = 0;  // kStarted: the program's pid; kExecFailed: errno;
                      // kExited: its wait status
};

// The descriptors the guard keeps (all others are closed in it).
struct GuardFds {
  int lifeline = -1;  // read end; end of file: kill the group
  int report = -1;    // write end of the report pipe to the worker
  int stdin_fd = -1;  // what the program gets as 0, 1 and 2
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// In the guard, just forked (by a thread that had every signal blocked):
// starts `plan` (whose spec asks for a new process group and for SIGKILL
// at its parent's death) and guards it as above, then exits. Only
// async-signal-safe calls.
[[noreturn]] void RunGuard(const base::ExecPlan& plan, const GuardFds& fds);

}  // namespace taskfarm::tasks

#endif  // TASKFARM_TASKS_LIBRARY_GROUP_GUARD_H_
