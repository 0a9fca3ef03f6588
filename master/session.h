// File: master/session.h
//
// Session runs one batch: it is the master's event loop. It starts the
// workers and the logger, learns the task kinds from the first hello, has
// the whole input checked, then routes: task batches out to workers with
// credit, result frames back through to the logger, deaths to the
// Dispatcher (requeue, strikes, quarantine) and the Supervisor (restart),
// and signals to an orderly shutdown. All waiting happens in one poll over
// the sockets, a signalfd and an eventfd, with a timeout from the nearest
// timer: the master sleeps when there is nothing to do.
//
// Records go to a RecordSink: by default the logger process (through
// LogRelay), which writes the output; or, for a program that embeds a Farm
// (master/farm.h), a sink of the caller's, and then no logger is started.
//
//   kStarting --first hello--> kChecking --input ok--> kRunning
//   kRunning --all reported / signal / halt / crash loop--> kStopping
//   kStopping --every child exited--> kDone
//
// Use from one thread.

#ifndef TASKFARM_MASTER_SESSION_H_
#define TASKFARM_MASTER_SESSION_H_

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "absl/container/flat_hash_map.h"
#include "base/clock.h"
#include "base/shared_page.h"
#include "master/batch_io.h"
#include "master/dashboard/dashboard.h"
#include "master/dispatcher.h"
#include "master/input/kind_table.h"
#include "master/log_relay.h"
#include "master/options.h"
#include "master/record_sink.h"
#include "master/remote_workers.h"
#include "master/runtime_dir.h"
#include "master/signal_fd.h"
#include "master/stats.h"
#include "master/worker_pool.h"
#include "proto/batch.h"
#include "proto/transport.h"
#include "supervise/crash_loop.h"
#include "supervise/supervisor.h"

namespace taskfarm::master {

class Session {
 public:
  // Records go to `sink` if given (not owned; must outlive Run), else to
  // a logger process that writes options.output.
  explicit Session(FarmOptions options, RecordSink* sink = nullptr);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // Runs the batch; returns the master's exit code (options.h).
  int Run();

 private:
  enum class Phase { kStarting, kChecking, kRunning, kStopping, kDone };

  absl::Status Setup();
  void Loop();
  base::Instant NextTimer(base::Instant now) const;
  void OnTimers(base::Instant now);
  void OnSignals();
  void OnDeaths(base::Instant now);
  void OnWorkerMessage(size_t port, proto::Parts& parts, base::Instant now);
  void OnHello(size_t port, const std::string& identity,
               const proto::Hello& hello, base::Instant now);
  void OnResults(WorkerEntry& w, const proto::Results& r, proto::Parts& parts,
                 base::Instant now);
  void OnLoggerMessage(proto::Parts& parts);
  void ListTasks();
  void StartCheck();
  void FinishCheck();
  void Welcome(WorkerEntry& w);
  void AddWorkerSlot(base::Instant now);
  // Why worker `w` is lost; for a local worker, with the task it was running
  // according to its shared page.
  Loss LossOf(const WorkerEntry& w, proto::TaskStatus status,
              std::string reason) const;
  void Retire(WorkerEntry& w);
  void Dispatch(base::Instant now);
  void LoseWorker(WorkerId id, const Loss& loss);
  void Report(std::vector<LooseTask> quarantined);
  void MaybeFinish(base::Instant now);
  void BeginStopping(base::Instant now);
  // Stops the batch with `exit_code` (the first reason wins, except a crash
  // loop): workers are told to stop after their running task, and killed
  // if that takes longer than --grace; `at_once` kills them now.
  void Fail(int exit_code, const std::string& message, bool at_once = false);
  void CheckHalt();
  void SendProgress(base::Instant now);
  std::vector<std::string> LoggerArgv(bool first) const;
  // The dashboard (session_dashboard.cc): started in Setup if asked for,
  // fed a snapshot from OnTimers when one is due, and given the final state
  // at the end of Run, where it lingers.
  absl::Status StartDashboard();
  void PublishDashboard(base::Instant now);
  void FinishDashboard();

  FarmOptions options_;
  BatchIo io_;
  Phase phase_ = Phase::kStarting;
  int exit_code_ = -1;        // decided: stop with this
  int signal_ = 0;            // the first signal received
  bool halted_ = false;       // --halt was triggered
  bool workers_killed_ = false;  // kStopping went past the grace
  std::string outcome_;

  std::optional<SignalFd> signals_;
  std::optional<RuntimeDir> rundir_;
  std::unique_ptr<zmq::context_t> context_;
  std::vector<std::unique_ptr<proto::Transport>> ports_;  // task sockets
  std::unique_ptr<proto::Transport> log_socket_;
  std::unique_ptr<supervise::Supervisor> supervisor_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<LogRelay> relay_;  // only with a logger process
  RecordSink* sink_;                 // relay_, or the caller's sink
  std::unique_ptr<RemoteWorkers> remote_;  // tcp port and launcher, if any
  Dispatcher dispatcher_;
  supervise::CrashLoopBreaker breaker_;
  Stats stats_;

  std::optional<KindTable> kinds_;
  std::thread check_thread_;
  int check_fd_ = -1;  // eventfd: the check thread is done
  absl::Status check_status_;
  std::vector<std::string> check_errors_;

  int logger_slot_ = -1;  // -1: no logger process
  std::vector<int> worker_slots_;
  absl::flat_hash_map<int, base::SharedPage> pages_;  // by worker slot
  proto::TaskBatchWriter writer_;
  proto::RecordWriter quarantine_writer_;
  std::string last_death_;  // for the crash-loop diagnosis

  base::Instant start_{};
  base::Instant next_heartbeat_{};
  base::Instant next_progress_{};
  base::Instant stop_deadline_{};   // kStopping: kill who is left
  base::Instant startup_deadline_{};

  std::unique_ptr<dashboard::Dashboard> dashboard_;  // first to go: it reads the rest
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_SESSION_H_
