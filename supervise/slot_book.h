// File: supervise/slot_book.h
//
// SlotBook is the pure half of supervision: the state of every slot (a
// child process the owner wants running), its restart delay, its kill
// escalation and the pace at which children are spawned. It owns no process
// and reads no clock: whoever owns the processes (supervise::Supervisor for
// `worker --procs`, the master's shell through MasterCore) implements
// SlotActions, reports what happened (Exited, Ready), and calls Tick at
// NextDeadline. Every state change goes through child_state.h's table.
//
// Restart delay: none for the first death of a slot, then min_delay
// doubling up to max_delay for each further death without useful work
// (Productive) or a stable uptime; RestartSoon skips one delay. Pace: at
// most max_starting slots are spawned and not yet ready at once (0: no
// limit); the others wait in kPending, in order, and the next is spawned
// when one says hello or dies; one not ready within its slot's
// ready_timeout is killed. A spawn that fails is a death at once: it is in the next
// TakeDeaths, with spawn_error set.
//
// Example:
//   SlotBook book(RestartPolicy{}, &actions);
//   int slot = book.Add();
//   book.Start(slot, now);           // actions.Spawn(slot) (now or later)
//   ... book.Exited(slot, status, now);
//   for (const Death& d : book.TakeDeaths()) ...
//
// Use from one thread.

#ifndef TASKFARM_SUPERVISE_SLOT_BOOK_H_
#define TASKFARM_SUPERVISE_SLOT_BOOK_H_

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "supervise/child_state.h"
#include "supervise/exit_status.h"

namespace taskfarm::supervise {

struct RestartPolicy {
  base::Duration min_delay = std::chrono::milliseconds(100);
  base::Duration max_delay = std::chrono::seconds(5);
  base::Duration stable_uptime = std::chrono::seconds(10);
  // Slots spawned and not yet ready at once; 0: no limit.
  int max_starting = 0;
};

struct Death {
  int slot = 0;
  pid_t pid = 0;
  ExitStatus status;
  bool was_ready = false;     // it had said hello
  bool was_stopping = false;  // we had asked it to stop
  std::string spawn_error;    // set if it could not even be started
};

// What the book asks of the owner of the processes.
class SlotActions {
 public:
  virtual ~SlotActions() = default;
  // Spawns the slot's child now. Returns its pid, or why it could not be
  // spawned (a death of the slot, at once).
  virtual absl::StatusOr<pid_t> Spawn(int slot) = 0;
  // Sends `signal` to the slot's child (pid `pid`), which has not been
  // reported as exited.
  virtual void Signal(int slot, pid_t pid, int signal) = 0;
};

class SlotBook {
 public:
  // `actions` is not owned and must outlive the book.
  SlotBook(RestartPolicy policy, SlotActions* actions);
  SlotBook(const SlotBook&) = delete;
  SlotBook& operator=(const SlotBook&) = delete;

  // A new slot, down. Returns its number (0, 1, ...). A child of it that is
  // not ready `ready_timeout` after its spawn is killed, and its death is an
  // ordinary one; 0: no limit (for children that never report ready).
  int Add(base::Duration ready_timeout = base::Duration(0));

  // The slot should have a child: spawned now if the pace allows, else when
  // its turn comes. After GiveUp, the slot fails instead.
  void Start(int slot, base::Instant now);
  // The owner reaped the slot's child.
  void Exited(int slot, ExitStatus status, base::Instant now);
  // The slot's child said hello.
  void Ready(int slot, base::Instant now);
  // The slot's child completed work: its next death restarts at once.
  void Productive(int slot) { slots_[slot].quick_deaths = 0; }
  // Its next restart (or, if it is already dead, its pending one) happens
  // without delay: the child announced its death, or the death was not its
  // fault. Forgiven too if it is already dead.
  void RestartSoon(int slot, base::Instant now);
  // The slot should have no child: SIGTERM now (unless `signal` is 0: the
  // caller asked it some other way), SIGKILL at now + grace. A slot without
  // a child is down at once.
  void Stop(int slot, base::Instant now, int signal, base::Duration grace);
  // Sends `signal` to the slot's child, if it has one.
  void Kill(int slot, int signal);
  // No more restarts (crash loop): slots without a child fail now, running
  // children are not restarted when they exit. Stop them as usual.
  void GiveUp(base::Instant now);

  // When Tick next has something to do (a restart or a SIGKILL), if ever.
  std::optional<base::Instant> NextDeadline() const;
  void Tick(base::Instant now);

  // Deaths (exits and failed spawns) since the last call, in order.
  std::vector<Death> TakeDeaths();

  ChildState state(int slot) const { return slots_[slot].state; }
  pid_t pid(int slot) const { return slots_[slot].pid; }
  int slot_count() const { return static_cast<int>(slots_.size()); }
  int restarts() const { return restarts_; }
  int starting() const { return starting_; }
  // Whether every slot has settled: no child process and none to come
  // (down or failed). A slot waiting out its restart delay has not: the
  // child it stands for is still needed.
  bool AllExited() const;

 private:
  struct Slot {
    ChildState state = ChildState::kDown;
    pid_t pid = 0;
    base::Instant started{};
    base::Instant deadline = base::Instant::max();
    int quick_deaths = 0;  // consecutive deaths without useful work
    bool restart_soon = false;
    bool ever_started = false;
    bool ready = false;  // its child said hello
    bool stop_requested = false;  // since its spawn
    base::Duration ready_timeout{0};
  };

  void Transition(int slot, ChildEvent event, base::Instant now);
  // Entering kStarting: spawn, or record a death at once.
  void Spawn(int slot, base::Instant now);
  // Spawns pending slots while the pace allows.
  void Pump(base::Instant now);

  RestartPolicy policy_;
  SlotActions* actions_;
  std::vector<Slot> slots_;
  std::deque<int> pending_;  // slots in kPending, in order
  std::vector<Death> deaths_;
  int starting_ = 0;  // slots in kStarting
  int restarts_ = 0;
  bool given_up_ = false;
  bool pumping_ = false;
};

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_SLOT_BOOK_H_
