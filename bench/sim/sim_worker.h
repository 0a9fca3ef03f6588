// File: bench/sim/sim_worker.h
//
// SimWorker plays one remote worker against a real master over tcp with
// CURVE, speaking the real protocol through the real proto code (Codec,
// TaskBatchReader, RecordWriter, Transport, ApplyCurveClient): two DEALER
// sockets with their own routing ids ("T" + id for tasks, "H" + id for
// heartbeats), a Hello with one task kind, heartbeats at the interval the
// Welcome sets, and the master's credit window: it holds the batches it is
// sent and "runs" them one after the other, each task for `task_time`,
// sending each batch's results when its time is up. Nothing is computed:
// the master cannot tell, and its cost per task is what is measured.
//
// Owned and driven by one SwarmLoop (bench/sim/swarm_loop.h), which polls
// its sockets' ZMQ_FDs and calls it back; it never blocks.
//
// Example:
//   SimWorker w(context, settings, /*index=*/7, counters, shared);
//   absl::Status s = w.Start(base::Now());
//   ... on readiness: w.OnTaskSocket(now); w.OnHeartbeatSocket(now);
//   ... at w.NextDue(): w.OnTimer(now);
//
// Thread-compatible.

#ifndef TASKFARM_BENCH_SIM_SIM_WORKER_H_
#define TASKFARM_BENCH_SIM_SIM_WORKER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "base/clock.h"
#include "bench/sim/shared_state.h"
#include "proto/batch.h"
#include "proto/curve.h"
#include "proto/transport.h"

namespace taskfarm::bench {

// The one task kind every simulated worker offers.
inline constexpr char kSwarmKind[] = "swarm";

struct SimSettings {
  std::string endpoint;       // tcp://HOST:PORT of the master
  std::string master_public;  // Z85
  proto::CurveKeyPair keys;   // the worker's pair (in the allow-list)
  std::chrono::microseconds task_time{1000};
  std::string host;           // what Hello says
};

class SimWorker {
 public:
  // `index` names the worker (its pid in Hello is 10,000,000 + index: a
  // label, there is no such process).
  SimWorker(zmq::context_t& context, const SimSettings& settings, int index,
            SwarmCounters* counters, SwarmShared* shared);
  SimWorker(const SimWorker&) = delete;
  SimWorker& operator=(const SimWorker&) = delete;

  // Creates both sockets, connects them and sends the Hello. Returns
  // kInvalidArgument if a socket option is refused.
  absl::Status Start(base::Instant now);

  // Reads every message waiting on either socket and acts on it.
  void OnTaskSocket(base::Instant now);
  void OnHeartbeatSocket(base::Instant now);
  // Sends what is due (results, a heartbeat).
  void OnTimer(base::Instant now);
  // When OnTimer has something to do next.
  base::Instant NextDue() const;

  // The sockets' ZMQ_FDs, for epoll.
  int task_fd();
  int heartbeat_fd();
  // Told to shut down (or to rejoin): it sends nothing more.
  bool finished() const { return finished_; }

 private:
  struct Held {  // a batch received and not yet answered
    uint64_t batch_id = 0;
    uint32_t count = 0;
    std::string records;        // its results body, made when it arrived
    std::vector<uint64_t> ids;  // its task ids, for the latency stamps
  };
  void OnTasks(const proto::Tasks& tasks, const zmq::message_t& body,
               base::Instant now);
  void SendResults(const Held& held, base::Instant now);

  zmq::context_t& context_;
  const SimSettings& settings_;
  const int index_;
  SwarmCounters* counters_;
  SwarmShared* shared_;
  std::string id_;
  proto::Transport tasks_;
  proto::Transport heartbeats_;
  proto::TaskBatchReader reader_;
  proto::TaskView task_;
  proto::RecordWriter writer_;
  std::deque<Held> held_;
  uint64_t batches_ = 0;  // task batches received, for the heartbeats
  base::Instant running_until_;  // when the front batch is done
  base::Instant next_beat_ = base::Instant::max();
  base::Instant last_beat_;  // when the last heartbeat went out
  std::chrono::milliseconds beat_interval_{1000};
  bool welcomed_ = false;
  bool finished_ = false;
};

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SIM_SIM_WORKER_H_
