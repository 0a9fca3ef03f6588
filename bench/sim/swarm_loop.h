// File: bench/sim/swarm_loop.h
//
// SwarmLoop runs many SimWorkers in one process and one thread: it starts
// them at a set pace (a real cluster does not connect 5,000 workers in the
// same millisecond, and libzmq's listen backlog is 100), waits on all their
// sockets at once with epoll on each socket's ZMQ_FD (zmq_poll over 10,000
// items would cost more per wake-up than the messages do), and keeps their
// timers (results due, heartbeats due) in a heap.
//
// ZMQ_FD signals edge-like: after any call into a socket, the loop drains
// that socket until it would block, so no readiness is lost.
//
// Example:
//   SwarmLoop loop(settings, counters, shared, /*first=*/0, /*count=*/2500,
//                  /*join_rate=*/1000);
//   absl::Status s = loop.Run(&stop_flag);
//
// Thread-compatible (one thread runs it).

#ifndef TASKFARM_BENCH_SIM_SWARM_LOOP_H_
#define TASKFARM_BENCH_SIM_SWARM_LOOP_H_

#include <csignal>
#include <memory>
#include <vector>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "base/clock.h"
#include "bench/sim/shared_state.h"
#include "bench/sim/sim_worker.h"

namespace taskfarm::bench {

class SwarmLoop {
 public:
  // Workers `first` .. `first + count - 1`, started at `join_rate` a second.
  SwarmLoop(const SimSettings& settings, SwarmCounters* counters,
            SwarmShared* shared, int first, int count, double join_rate);
  SwarmLoop(const SwarmLoop&) = delete;
  SwarmLoop& operator=(const SwarmLoop&) = delete;
  ~SwarmLoop();

  // Runs until every worker was told to shut down (or to rejoin), or `*stop`
  // is set (by a signal handler). Returns kInternal if epoll fails, or a
  // worker's error if it cannot start.
  absl::Status Run(const volatile std::sig_atomic_t* stop);

 private:
  void Drain(size_t i, base::Instant now);
  void Reschedule(size_t i);

  const SimSettings& settings_;
  SwarmCounters* counters_;
  SwarmShared* shared_;
  const int first_;
  const int count_;
  const double join_rate_;
  zmq::context_t context_;
  std::vector<std::unique_ptr<SimWorker>> workers_;
  std::vector<base::Instant> scheduled_;  // the heap entry that is current
  int epoll_fd_ = -1;
};

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SIM_SWARM_LOOP_H_
