// File: master/master_core.h
//
// MasterCore is the master's policy as one deterministic object: who gets
// which tasks, what a death or a silence means, when a task is struck or
// quarantined, when the batch stops, and with which exit code. It owns no
// socket, no process and no clock: events come in as calls (frames from
// workers and the logger, a child's exit, a signal, the input check, time
// passing), and everything it wants done goes out through an Outbox
// (master/outbox.h). The master's shell (master/session.h) wires it to real
// sockets and processes; the simulator (tests/sim/) to simulated ones.
//
// The batch's life is lifecycle.h's table, a local slot's is
// supervise/child_state.h's (through a SlotBook), and the exit code is
// exit_code.h's pure functions. The logger starts with the first worker,
// so that its start-up overlaps the input check, and is welcomed
// (proto::LoggerWelcome: it opens the output then) once the input checked
// out; stopped before that, it is told to shut down, having written nothing.
//
// Example (a shell):
//   MasterCore core(options, /*with_logger=*/true, &outbox);
//   core.Start(base::Now());
//   while (!core.done()) {
//     ...poll until core.NextDeadline(now); feed what arrived:
//     core.OnWorkerFrames(port, parts, now); core.OnSignal(SIGTERM, now); ...
//     core.Advance(base::Now());
//   }
//   return core.exit_code();
//
// Use from one thread.

#ifndef TASKFARM_MASTER_MASTER_CORE_H_
#define TASKFARM_MASTER_MASTER_CORE_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "base/clock.h"
#include "master/batch_filler.h"
#include "master/dispatcher.h"
#include "master/exit_code.h"
#include "master/lifecycle.h"
#include "master/local_slot.h"
#include "master/options.h"
#include "master/outbox.h"
#include "master/relay_book.h"
#include "master/remote_book.h"
#include "master/result_check.h"
#include "master/snapshot.h"
#include "master/stats.h"
#include "master/worker_history.h"
#include "master/worker_table.h"
#include "proto/batch.h"
#include "supervise/crash_loop.h"
#include "supervise/exit_status.h"
#include "supervise/slot_book.h"

namespace taskfarm::master {

class MasterCore : private supervise::SlotActions {
 public:
  // Records go to a logger process if `with_logger`, else to
  // Outbox::Deliver. `outbox` is not owned and must outlive the core.
  MasterCore(FarmOptions options, bool with_logger, Outbox* outbox);
  MasterCore(const MasterCore&) = delete;
  MasterCore& operator=(const MasterCore&) = delete;

  // Starts the local workers.
  void Start(base::Instant now);

  // Events. Frames are [routing id, header(, body)] as received on
  // listening socket `port` (0: local ipc, 1: tcp) or the logger's socket;
  // a body that is relayed is moved out of `parts`.
  void OnWorkerFrames(size_t port, absl::Span<zmq::message_t> parts,
                      base::Instant now);
  void OnLoggerFrames(absl::Span<zmq::message_t> parts, base::Instant now);
  // The child of `slot` was reaped.
  void OnSlotExited(int slot, supervise::ExitStatus status, base::Instant now);
  // SIGINT, SIGTERM, SIGQUIT or SIGHUP arrived.
  void OnSignal(int signal, base::Instant now);
  // The input check (Outbox::CheckInput) ended: `status` is not ok if the
  // input could not be read; `errors` are "FILE:LINE: ..." lines.
  void OnInputChecked(absl::Status status, std::vector<std::string> errors,
                      base::Instant now);
  // The remote launcher (srun) exited with `status`.
  void OnLauncherExited(supervise::ExitStatus status, base::Instant now);
  // Messages the shell could not even receive (bad multipart).
  void OnUnreadable(uint64_t messages) { stats_.AddDropped(messages); }
  // Time has come to `now`: timers fire, work is handed out, the end of
  // the batch is checked. Call after each batch of events.
  void Advance(base::Instant now);
  // When Advance has something to do next (at the latest: a timer).
  base::Instant NextDeadline(base::Instant now) const;

  bool done() const { return phase_ == Phase::kDone; }
  Phase phase() const { return phase_; }
  // Once done: the exit code and the outcome for people.
  int exit_code() const { return final_.code; }
  const std::string& outcome() const { return final_.outcome; }
  // Whether the end-of-batch summary (and --stats-json) is worth writing:
  // not after --list-tasks or a usage error.
  bool summary_wanted() const;
  const Stats& stats() const { return stats_; }
  int restarts() const { return book_.restarts(); }
  // What a dashboard shows (master/snapshot.h); cheap enough for every
  // 250 ms, not for every event. In master_core_snapshot.cc.
  Snapshot TakeSnapshot(base::Instant now) const;

 private:
  // supervise::SlotActions, carried out through the outbox.
  absl::StatusOr<pid_t> Spawn(int slot) override;
  void Signal(int slot, pid_t pid, int signal) override;

  // Slots (master_core_slots.cc).
  // Starts a worker in a free slot (reused if a recycled worker left one);
  // returns it, or -1 if every slot is taken (it starts when one frees).
  int AddWorkerSlot(base::Instant now);
  void HandleDeaths(base::Instant now);
  void OnLoggerDeath(const supervise::Death& d, const std::string& how,
                     base::Instant now);
  void OnWorkerDeath(const supervise::Death& d, const std::string& how,
                     base::Instant now);
  Loss LossOf(const WorkerEntry& w, proto::TaskStatus status,
              std::string reason) const;
  bool WorkerSlotsGone() const;
  std::optional<int> SlotOfPid(pid_t pid) const;

  // Workers (master_core_workers.cc).
  void OnHello(size_t port, absl::string_view identity,
               const proto::Hello& hello, base::Instant now);
  void OnResults(WorkerEntry& w, const proto::Results& r,
                 absl::Span<zmq::message_t> parts, base::Instant now);
  void OnBadResults(WorkerEntry& w, absl::string_view why, base::Instant now);
  void OnBadBatch(WorkerEntry& w, const proto::BadBatch& bad, base::Instant now);
  void OnFatal(WorkerEntry& w, size_t port, absl::string_view identity,
               const proto::Fatal& fatal, base::Instant now);
  void Welcome(WorkerEntry& w);
  void Dispatch(base::Instant now);
  // Liveness (master_core_liveness.cc).
  void OnHeartbeat(WorkerEntry& w, const proto::Heartbeat& hb,
                   base::Instant now);
  // `w` said it is idle for too long while it holds batches: they were
  // lost (dropped, their results lost, or never delivered). Run elsewhere.
  void TakeBackIdle(WorkerEntry& w, const proto::Heartbeat& hb,
                    base::Instant now);
  void Retire(WorkerEntry& w, base::Instant now);
  void LoseWorker(WorkerId id, const Loss& loss, base::Instant now);
  void CheckLiveness(base::Instant now);
  void Report(std::vector<LooseTask> quarantined, base::Instant now);
  void Relay(zmq::message_t body, uint32_t records);

  // The snapshot (master_core_snapshot.cc).
  void LocalRows(base::Instant now, Snapshot& s) const;
  void SlotlessRows(Snapshot& s) const;
  // "#17 fib 30" for task `index` of live batch `batch_id`; "" if unknown.
  std::string TaskText(uint64_t batch_id, uint32_t index) const;

  // The batch (master_core.cc).
  void ListTasks(base::Instant now);
  void Stop(StopReason reason, bool at_once, base::Instant now);
  void BeginStopping(base::Instant now);
  void CheckHalt(base::Instant now);
  void OnTimers(base::Instant now);
  void SendProgress(base::Instant now);
  void NoticeWaiting(base::Instant now);
  void CloseLogger();
  // Tells the logger `identity` the input checked out: it opens the output
  // (the handoff is written) and records may follow.
  void WelcomeLogger(const std::string& identity);
  // The logger slot has no child that said hello yet (or none at all).
  bool LoggerNotYetUp() const;
  void MaybeFinish(base::Instant now);
  void Enter(PhaseEvent event);
  void KillWorkers(int signal);

  FarmOptions options_;
  Outbox* out_;
  const bool with_logger_;
  Phase phase_ = Phase::kStarting;
  std::optional<StopReason> stop_;  // why the batch stops early, if it does
  StopReason final_{-1, ""};
  int signal_ = 0;                // the first signal received
  bool halted_ = false;           // --halt was triggered
  bool workers_killed_ = false;   // kStopping went past the grace

  supervise::SlotBook book_;
  std::vector<LocalSlot> slots_;  // by slot number, as in book_
  std::optional<int> logger_slot_;
  int owed_successors_ = 0;  // of recycled workers, waiting for a free slot
  absl::flat_hash_set<int64_t> dead_pids_;  // of local workers: late hellos
  bool logger_started_ = false;   // its next start is a restart
  bool logger_closing_ = false;   // told to finish: relay nothing more
  bool input_ok_ = false;         // the input checked out: welcome loggers
  WorkerTable workers_;
  Dispatcher dispatcher_;
  BatchFiller filler_;
  ResultCheck checker_;
  supervise::CrashLoopBreaker breaker_;
  Stats stats_;
  RelayBook relay_;
  RemoteBook remote_;
  WorkerHistory history_;  // workers without a slot, for the snapshot
  uint64_t records_delivered_ = 0;  // without a logger: Outbox::Deliver

  std::optional<KindTable> kinds_;
  InputReady input_;
  proto::RecordWriter quarantine_writer_;
  std::string last_death_;  // for the crash-loop diagnosis

  base::Instant start_{};
  base::Instant next_heartbeat_{};
  base::Instant next_progress_{};
  base::Instant stop_deadline_ = base::Instant::max();  // kStopping: kill who is left
  base::Instant startup_deadline_ = base::Instant::max();
  std::optional<base::Instant> waiting_since_;  // no worker to run tasks
  base::Instant next_waiting_notice_{};
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_MASTER_CORE_H_
