// File: bench/sim/shared_state.h
//
// What the swarm's processes share with the driver through one mapped file
// (base::SharedPage): per-process counters, which the driver sums to know
// when every simulated worker is welcomed and how many were told to rejoin
// (declared lost), and the time each task's result was sent, indexed by task
// id modulo kStamps, from which the driver takes each record's latency when
// it reaches the master's output. Ids in flight at once span far fewer than
// kStamps, so two never share a slot.
//
// Plain data of lock-free atomics (address-free, so valid across
// processes); thread-safe.

#ifndef TASKFARM_BENCH_SIM_SHARED_STATE_H_
#define TASKFARM_BENCH_SIM_SHARED_STATE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace taskfarm::bench {

inline constexpr int kMaxSwarmProcs = 64;
inline constexpr size_t kStamps = size_t{1} << 22;

struct SwarmCounters {
  std::atomic<uint64_t> started{0};   // workers that said hello
  std::atomic<uint64_t> welcomed{0};  // workers the master welcomed
  std::atomic<uint64_t> rejoins{0};   // Rejoin received: declared lost
  std::atomic<uint64_t> shutdowns{0}; // Shutdown received
  std::atomic<uint64_t> tasks{0};     // tasks whose results were sent
  std::atomic<uint64_t> batches{0};   // task batches received
  std::atomic<uint64_t> dropped{0};   // frames that did not decode
  std::atomic<uint64_t> errors{0};    // sends that failed
  // Heartbeats this process sent late: over 1.5 intervals after the one
  // before (the swarm itself fell behind), and the longest gap, in ms. A
  // master that declares workers lost while these stay 0 is to blame.
  std::atomic<uint64_t> late_beats{0};
  std::atomic<uint64_t> max_beat_gap_ms{0};
  std::atomic<uint64_t> done{0};      // 1 when the process has finished
};

struct SwarmShared {
  SwarmCounters procs[kMaxSwarmProcs];
  // Steady-clock nanoseconds when the result of task `id` was sent, at
  // [id % kStamps]; 0 = none.
  std::atomic<int64_t> sent_ns[kStamps];
};

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SIM_SHARED_STATE_H_
