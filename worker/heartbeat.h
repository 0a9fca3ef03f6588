// File: worker/heartbeat.h
//
// HeartbeatThread keeps the master informed while the main thread computes:
// on its own DEALER socket (routing id "H" + worker id) it sends a Heartbeat
// every interval, saying which task runs and for how long, and how many
// task batches the main thread has received on this connection (so the
// master can tell a batch lost from one still on its way). It also
//  - notices the master's heartbeats, and flags the master as lost when none
//    came for liveness intervals (the main thread then gives up or
//    reconnects); a Rejoin from the master (it forgot this worker) is
//    flagged too;
//  - enforces the per-task time limit: a task past it is reported with a
//    Fatal{kTimeout} and the worker exits (the master replaces it).
// If the process is stopped (SIGSTOP) or wedged, the heartbeats stop too and
// the master kills it.
//
// Thread-safe: Configure, master_lost and Stop may be called from any thread.

#ifndef TASKFARM_WORKER_HEARTBEAT_H_
#define TASKFARM_WORKER_HEARTBEAT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "proto/contract.h"
#include "proto/run_state.h"

namespace taskfarm::worker {

// Exit code of a worker whose task ran past its time limit.
inline constexpr int kExitTimeout = proto::worker_exit::kTimeout;

class HeartbeatThread {
 public:
  // `configure` applies the connection's socket options (security) to the
  // heartbeat socket before it connects.
  HeartbeatThread(zmq::context_t& context, std::string endpoint,
                  std::string worker_id, proto::RunState* state,
                  std::function<absl::Status(zmq::socket_t&)> configure);
  HeartbeatThread(const HeartbeatThread&) = delete;
  HeartbeatThread& operator=(const HeartbeatThread&) = delete;
  ~HeartbeatThread();  // Stop()

  // Starts the thread; the first heartbeat goes out after one (default)
  // interval, so that the hello gets there first.
  absl::Status Start();

  // Settings from the master's Welcome.
  void Configure(std::chrono::milliseconds interval, uint32_t liveness,
                 uint64_t timeout_ms);

  // The main thread read one more task batch from the master (counted even
  // if it then refuses it). Said in every heartbeat from now on.
  void BatchReceived() { batches_.fetch_add(1, std::memory_order_relaxed); }

  // Whether the master has been silent for liveness intervals.
  bool master_lost() const { return master_lost_.load(); }
  // Milliseconds since the master was last heard (or since Start).
  int64_t ms_since_master() const;
  // Whether the master was heard at all since Start.
  bool heard() const { return heard_.load(); }
  // Whether the master said Rejoin: it does not know this worker id.
  bool rejoin_requested() const { return rejoin_.load(); }

  void Stop();

 private:
  void Loop();

  zmq::context_t& context_;
  std::string endpoint_;
  std::string worker_id_;
  proto::RunState* state_;
  std::function<absl::Status(zmq::socket_t&)> configure_;

  std::atomic<int64_t> interval_ms_{1000};
  std::atomic<uint32_t> liveness_{3};
  std::atomic<uint64_t> timeout_ms_{0};
  std::atomic<bool> master_lost_{false};
  std::atomic<bool> heard_{false};
  std::atomic<bool> rejoin_{false};
  std::atomic<int64_t> master_seen_ms_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<bool> stop_{false};
  int wake_fd_ = -1;  // eventfd: Stop() wakes the thread's poll
  std::thread thread_;
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_HEARTBEAT_H_
