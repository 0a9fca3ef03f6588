// File: supervise/supervisor.h
//
// Supervisor keeps a set of child processes ("slots") running: the process
// half of supervision. Its SlotBook (supervise/slot_book.h) decides when a
// slot's child is spawned, restarted (after a delay that grows with each
// unproductive death) or killed; the Supervisor carries that out with
// ChildProcess and reaps the children. The caller feeds it events
// (SIGCHLD -> Reap, hello -> Ready) and calls Tick at NextDeadline; nothing
// here blocks.
//
// `worker --procs` runs its local workers with it. (The master keeps its
// SlotBook inside its pure core, master/master_core.h, and its processes
// in its shell.)
//
// Example:
//   Supervisor sup(RestartPolicy{}, SpawnOptions{});
//   int slot = sup.Add("worker", {"/bin/worker", "--connect=..."});
//   sup.Start(slot, base::Now());
//   ... on SIGCHLD: for (const Death& d : sup.Reap(base::Now())) ...
//
// Use from one thread.

#ifndef TASKFARM_SUPERVISE_SUPERVISOR_H_
#define TASKFARM_SUPERVISE_SUPERVISOR_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "supervise/child_process.h"
#include "supervise/child_state.h"
#include "supervise/exit_status.h"
#include "supervise/slot_book.h"

namespace taskfarm::supervise {

class Supervisor : private SlotActions {
 public:
  Supervisor(RestartPolicy policy, SpawnOptions spawn);
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;
  ~Supervisor() override;  // stops every child still running

  // Adds a slot (down) that runs `argv`. Returns its number.
  int Add(std::string name, std::vector<std::string> argv);
  // What the slot's next start runs.
  void SetArgv(int slot, std::vector<std::string> argv) {
    procs_[slot].argv = std::move(argv);
  }

  // Spawns a down slot's child (now, or when the pace allows). A spawn
  // failure is reported by the next Reap as a Death with spawn_error set.
  void Start(int slot, base::Instant now) { book_.Start(slot, now); }

  // Reaps every exited child; dead slots go to backoff (or down, if they
  // were stopping). Returns those deaths and every failed spawn since the
  // last call. Call on SIGCHLD.
  std::vector<Death> Reap(base::Instant now);

  // The slot's child said hello.
  void Ready(int slot, base::Instant now) { book_.Ready(slot, now); }
  // The slot's child completed work: its next death restarts at once.
  void Productive(int slot) { book_.Productive(slot); }
  // See SlotBook::RestartSoon.
  void RestartSoon(int slot, base::Instant now) { book_.RestartSoon(slot, now); }
  // Asks the slot's child to stop: SIGTERM now (unless `signal` is 0: the
  // caller asked it some other way), SIGKILL at now + grace.
  void Stop(int slot, base::Instant now, int signal, base::Duration grace) {
    book_.Stop(slot, now, signal, grace);
  }
  // Sends a signal to the slot's running child.
  void Kill(int slot, int signal) { book_.Kill(slot, signal); }
  // No more restarts for any slot (crash loop): slots waiting to restart
  // fail now, running children fail when they exit. Stop them as usual.
  void GiveUp(base::Instant now = base::Now()) { book_.GiveUp(now); }

  // When Tick next has something to do (a restart or a SIGKILL), if ever.
  std::optional<base::Instant> NextDeadline() const { return book_.NextDeadline(); }
  void Tick(base::Instant now) { book_.Tick(now); }

  ChildState state(int slot) const { return book_.state(slot); }
  pid_t pid(int slot) const { return book_.pid(slot); }
  const std::string& name(int slot) const { return procs_[slot].name; }
  std::optional<int> SlotOfPid(pid_t pid) const;
  int slot_count() const { return book_.slot_count(); }
  int restarts() const { return book_.restarts(); }
  // See SlotBook::AllExited.
  bool AllExited() const { return book_.AllExited(); }

 private:
  struct Proc {
    std::string name;
    std::vector<std::string> argv;
    std::optional<ChildProcess> child;
  };

  absl::StatusOr<pid_t> Spawn(int slot) override;
  void Signal(int slot, pid_t pid, int signal) override;

  SpawnOptions spawn_;
  std::vector<Proc> procs_;
  SlotBook book_;  // after procs_: its callbacks reach them
};

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_SUPERVISOR_H_
