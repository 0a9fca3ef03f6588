// File: supervise/supervisor.h
//
// Supervisor keeps a set of child processes ("slots") running: it spawns
// them, reaps them, and restarts each dead one after a delay that grows with
// each unproductive death of that slot (none for the first, then
// min_delay doubling up to max_delay), and resets once the child did useful
// work or stayed up for stable_uptime. Every state change goes through
// child_state.h's table. The caller feeds it events (SIGCHLD -> Reap,
// hello -> Ready) and calls Tick at NextDeadline; nothing here blocks.
//
// The master uses it for workers and the logger; `worker --procs` for its
// local workers.
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

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "supervise/child_process.h"
#include "supervise/child_state.h"
#include "supervise/exit_status.h"

namespace taskfarm::supervise {

struct RestartPolicy {
  base::Duration min_delay = std::chrono::milliseconds(100);
  base::Duration max_delay = std::chrono::seconds(5);
  base::Duration stable_uptime = std::chrono::seconds(10);
};

struct Death {
  int slot = 0;
  pid_t pid = 0;
  ExitStatus status;
  bool was_ready = false;     // it had said hello
  bool was_stopping = false;  // we had asked it to stop
  std::string spawn_error;    // set if it could not even be started
};

class Supervisor {
 public:
  Supervisor(RestartPolicy policy, SpawnOptions spawn);
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;
  ~Supervisor();  // stops every child still running

  // Adds a slot (down) that runs `argv`. Returns its number.
  int Add(std::string name, std::vector<std::string> argv);
  // What the slot's next start runs.
  void SetArgv(int slot, std::vector<std::string> argv) {
    slots_[slot].argv = std::move(argv);
  }

  // Spawns a down slot's child now. A spawn failure is reported by the next
  // Reap as a Death with spawn_error set.
  void Start(int slot, base::Instant now);

  // Reaps every exited child; dead slots go to backoff (or down, if they
  // were stopping). Call on SIGCHLD.
  std::vector<Death> Reap(base::Instant now);

  // The slot's child said hello.
  void Ready(int slot, base::Instant now);
  // The slot's child completed work: its next death restarts at once.
  void Productive(int slot);
  // Its next restart (or, if it is already dead, its pending one) happens
  // without delay, and the death does not count toward the backoff: the
  // child announced its death, or was killed from outside while idle.
  void RestartSoon(int slot, base::Instant now);

  // Asks the slot's child to stop: SIGTERM now (unless `signal` is 0: the
  // caller asked it some other way), SIGKILL at now + grace.
  void Stop(int slot, base::Instant now, int signal, base::Duration grace);
  // Sends a signal to the slot's running child.
  void Kill(int slot, int signal);
  // No more restarts for any slot (crash loop): slots waiting to restart
  // fail now, running children fail when they exit. Stop them as usual.
  void GiveUp();

  // When Tick next has something to do (a restart or a SIGKILL), if ever.
  std::optional<base::Instant> NextDeadline() const;
  void Tick(base::Instant now);

  ChildState state(int slot) const { return slots_[slot].state; }
  pid_t pid(int slot) const;
  const std::string& name(int slot) const { return slots_[slot].name; }
  std::optional<int> SlotOfPid(pid_t pid) const;
  int slot_count() const { return static_cast<int>(slots_.size()); }
  int restarts() const { return restarts_; }
  // Whether every slot has settled: no child process and none to come
  // (down or failed). A slot waiting out its restart delay has not: the
  // child it stands for is still needed.
  bool AllExited() const;

 private:
  struct Slot {
    std::string name;
    std::vector<std::string> argv;
    ChildState state = ChildState::kDown;
    std::optional<ChildProcess> child;
    std::string spawn_error;
    base::Instant started{};
    base::Instant deadline{};  // backoff end, or SIGKILL time when stopping
    int quick_deaths = 0;      // consecutive deaths without useful work
    bool restart_soon = false;
    bool ever_started = false;
  };

  void Transition(int slot, ChildEvent event, base::Instant now);
  void Spawn(int slot, base::Instant now);

  RestartPolicy policy_;
  SpawnOptions spawn_;
  std::vector<Slot> slots_;
  int restarts_ = 0;
  bool giving_up_ = false;
};

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_SUPERVISOR_H_
