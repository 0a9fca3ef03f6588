// File: tests/sim/sim_processes.h
//
// The processes of the simulated world (tests/sim/world.h): SimWorker, a
// worker process, local (a slot of the master's, with a real shared state
// page) or remote (one of a host's `worker --procs`), that says hello,
// heartbeats, runs the tasks of its batches one after the other (each
// doing what its scenario kind says), reports results in chunks, reports a
// fatal task before it exits, and obeys Shutdown and Rejoin as the real
// worker does (worker/worker.cc); and SimLogger, the logger process, which
// writes the records it is sent into the simulated output file (dropping
// ids already written, as logger/sink.cc does) and acknowledges them once
// written. Every timer of a process is tied to its incarnation: a process
// that died, stopped or rejoined never acts on an old one.
//
// Use from the World's thread.

#ifndef TASKFARM_TESTS_SIM_SIM_PROCESSES_H_
#define TASKFARM_TESTS_SIM_SIM_PROCESSES_H_

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "base/clock.h"
#include "proto/batch.h"
#include "proto/messages.h"
#include "proto/run_state.h"
#include "supervise/exit_status.h"
#include "tests/sim/scenario.h"

namespace taskfarm::sim {

class World;

class SimWorker {
 public:
  // `page` is the slot's shared page (local) or null (remote: its own).
  SimWorker(World* world, bool remote, int host, int slot, pid_t pid,
            proto::RunState* page);

  // Joins the master with a new worker id: hello after `delay`.
  void Connect(base::Duration delay);
  // A message from the master, on the task or the heartbeat socket.
  void OnMessage(bool heartbeat_socket, const proto::Message& message,
                 const std::shared_ptr<const std::string>& body);
  // A signal: SIGKILL, SIGTERM (both kill it), SIGSTOP (it freezes).
  // `by_master_stopping`: the master kills it to end the batch.
  void Signal(int signal, bool by_master_stopping);

  // A stopped remote process is continued (SIGCONT): it finds the master
  // has forgotten it, and joins again.
  void Continue();

  // Faults.
  void SendBadFrame(BadFrame kind) { bad_frame_ = kind; }
  void DropNextBatch() { drop_next_ = true; }

  bool alive() const { return alive_; }
  bool stopped() const { return stopped_; }
  bool running() const { return running_; }
  bool holds_unstarted() const { return queue_.size() > (running_ ? 1u : 0u); }
  bool remote() const { return remote_; }
  int host() const { return host_; }
  int slot() const { return slot_; }
  pid_t pid() const { return pid_; }
  size_t port() const { return remote_ ? 1 : 0; }
  const std::string& task_identity() const { return task_identity_; }
  const std::string& heartbeat_identity() const { return heartbeat_identity_; }
  uint64_t gen() const { return gen_; }
  // The master sent it tasks `ids` (they may still be on the way).
  void Assign(const std::vector<uint64_t>& ids) {
    outstanding_.insert(ids.begin(), ids.end());
  }
  // Ids of the tasks sent to it that it has not reported.
  std::vector<uint64_t> Held() const {
    return std::vector<uint64_t>(outstanding_.begin(), outstanding_.end());
  }

  // When the last message on each of its connections (task socket, then
  // heartbeat socket) arrives: messages on one connection keep their order.
  base::Instant last_out[2] = {};  // to the master
  base::Instant last_in[2] = {};   // from the master
  // Fault: how its next batch travels (world.cc).
  enum class NextBatch { kOnTime, kLate, kLost };
  NextBatch next_batch = NextBatch::kOnTime;

 private:
  struct Batch {
    uint64_t batch_id = 0;
    std::shared_ptr<const std::string> body;
  };
  struct Record {
    uint64_t id;
    uint32_t kind;
    int64_t arg;
    proto::TaskStatus status;
    uint32_t attempt;
  };

  template <typename F>
  void Later(base::Duration delay, F fn);
  void Beat();
  void StartNext();
  void RunTask();
  void Complete();
  void Flush();
  std::string Frame();
  void ReportFatal(proto::FatalKind kind, bool heartbeat_socket, int code);
  void Rejoin();
  void Die(supervise::ExitStatus status);

  World* world_;
  const bool remote_;
  const int host_, slot_;
  const pid_t pid_;
  proto::RunState own_state_;
  proto::RunState* state_;
  uint64_t gen_ = 0;  // incarnation: timers of an older one do nothing
  bool alive_ = true, stopped_ = false, killed_by_stop_ = false;

  std::string worker_id_, task_identity_, heartbeat_identity_;
  bool welcomed_ = false;
  base::Duration heartbeat_ = std::chrono::seconds(1);
  uint32_t liveness_ = 3;
  uint64_t timeout_ms_ = 0;
  base::Instant last_heard_{};   // from the master, this connection
  base::Instant connected_{};

  std::deque<Batch> queue_;
  proto::TaskBatchReader reader_;
  proto::TaskView task_;
  bool running_ = false;
  uint32_t index_ = 0;  // of the task running (or next) in queue_.front()
  base::Instant task_start_{};
  std::vector<Record> chunk_;  // finished, not reported yet
  uint32_t chunk_offset_ = 0;
  base::Instant chunk_start_{};

  bool shutdown_ = false, recycled_ = false, rejoin_ = false;
  std::optional<int> fatal_exit_;  // Fatal sent: exit with this on reply
  std::optional<BadFrame> bad_frame_;
  bool drop_next_ = false;
  uint64_t batches_ = 0;  // received on this connection: said in heartbeats
  std::set<uint64_t> outstanding_;  // sent to it, not reported by it
};

class SimLogger {
 public:
  SimLogger(World* world, int slot, pid_t pid);

  void Start(base::Duration delay);
  void OnLog(uint64_t seq, const zmq::message_t& records);
  void OnMessage(const proto::Message& message);
  void Signal(int signal);

  bool alive() const { return alive_; }
  int slot() const { return slot_; }
  pid_t pid() const { return pid_; }
  const std::string& identity() const { return identity_; }

 private:
  void Flush();
  void Ack();
  void Exit(supervise::ExitStatus status);

  World* world_;
  const int slot_;
  const pid_t pid_;
  const std::string identity_;
  bool alive_ = true;
  uint64_t gen_ = 0;
  std::vector<std::pair<uint64_t, proto::TaskStatus>> buffer_;
  uint64_t buffered_seq_ = 0, written_seq_ = 0, acked_seq_ = 0;
  bool flush_due_ = false, ack_due_ = false;
  proto::RecordReader reader_;
  proto::RecordView record_;
};

}  // namespace taskfarm::sim

#endif  // TASKFARM_TESTS_SIM_SIM_PROCESSES_H_
