// File: master/session.h
//
// Session runs one batch: it is the master's shell around MasterCore
// (master/master_core.h), which decides everything. The shell owns what
// the core must not: the runtime directory, the ZeroMQ context and sockets
// (workers' ipc and tcp ports, the logger's), the signalfd, the child
// processes (master/local_processes.h) and the input check's thread. It
// polls all of them in one loop, with a timeout from the core's next
// deadline (the master sleeps when there is nothing to do), turns what
// arrives into the core's events, and carries out the core's actions (it
// is the core's Outbox).
//
// Records go to a logger process, which writes the output; or, for a
// program that embeds a Farm (master/farm.h), to a RecordSink of the
// caller's, and then no logger is started. With --dashboard, the shell
// also holds the dashboard's server and hands it the core's snapshots
// (session_dashboard.cc).
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
#include "base/clock.h"
#include "master/batch_io.h"
#include "master/dashboard/dashboard.h"
#include "master/local_processes.h"
#include "master/master_core.h"
#include "master/options.h"
#include "master/outbox.h"
#include "master/record_sink.h"
#include "master/remote_workers.h"
#include "master/runtime_dir.h"
#include "master/signal_fd.h"
#include "master/socket_sends.h"
#include "proto/transport.h"

namespace taskfarm::master {

class Session : private Outbox {
 public:
  // Records go to `sink` if given (not owned; must outlive Run), else to
  // a logger process that writes options.output.
  explicit Session(FarmOptions options, RecordSink* sink = nullptr);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() override;

  // Runs the batch; returns the master's exit code (proto/contract.h).
  int Run();

 private:
  absl::Status Setup();
  absl::Status FindBinaries();
  absl::Status OpenSockets();
  void Loop();
  void OnSignals(base::Instant now);
  void Drain(base::Instant now);
  void WriteSummary();

  // The dashboard (session_dashboard.cc): started in Setup, a snapshot
  // published whenever one is due, the final state served until the end
  // of --dashboard-linger.
  absl::Status StartDashboard();
  base::Instant NextDeadline(base::Instant now) const;
  void PublishDashboard(base::Instant now);
  void FinishDashboard();

  // Outbox.
  void SendTasks(size_t port, absl::string_view identity,
                 const proto::Tasks& header,
                 const std::shared_ptr<const std::string>& body) override;
  void SendToWorker(size_t port, absl::string_view identity,
                    const proto::Message& message) override;
  void SendLog(absl::string_view logger, uint64_t seq,
               const zmq::message_t& records) override;
  void SendToLogger(absl::string_view logger,
                    const proto::Message& message) override;
  void Deliver(zmq::message_t records) override;
  absl::StatusOr<Spawned> StartSlot(int slot, const SlotSpec& spec) override;
  void SignalSlot(int slot, pid_t pid, int signal) override;
  void CheckInput(const KindTable& kinds) override;
  absl::StatusOr<InputReady> OpenOutput() override;
  void Say(absl::string_view line) override;
  void Print(absl::string_view text) override;

  FarmOptions options_;
  BatchIo io_;
  RecordSink* sink_;  // the caller's, or null: a logger process

  std::optional<SignalFd> signals_;
  std::optional<RuntimeDir> rundir_;
  std::unique_ptr<zmq::context_t> context_;
  std::vector<std::unique_ptr<proto::Transport>> ports_;  // task sockets
  std::unique_ptr<proto::Transport> log_socket_;
  std::unique_ptr<RemoteWorkers> remote_;  // tcp port and launcher, if any
  std::optional<SocketSends> sends_;
  std::optional<LocalProcesses> processes_;
  std::optional<MasterCore> core_;
  std::unique_ptr<dashboard::Dashboard> dashboard_;  // with --dashboard

  int exit_code_ = -1;  // the core's, unless writing the summary failed

  std::thread check_thread_;
  int check_fd_ = -1;  // eventfd: the check thread is done
  absl::Status check_status_;
  std::vector<std::string> check_errors_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_SESSION_H_
