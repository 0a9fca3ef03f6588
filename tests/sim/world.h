// File: tests/sim/world.h
//
// World runs one Scenario (tests/sim/scenario.h) against the real
// master::MasterCore, deterministically: it is the core's Outbox, and it
// simulates everything around the core: a clock, the network (messages
// arrive in order per connection, after a seeded delay; a cut host's are
// held or dropped), local workers (their shared state pages are real),
// remote hosts running `worker --procs`, the logger and its output file,
// the input check, and the faults of the scenario's schedule, each applied
// when the workers have finished enough tasks. After every step and at the
// end it checks the invariants (tests/sim/checks.cc): no id reported
// twice, none run that --resume says is done, --keep-order's window held,
// slots bounded; at the end, the exit code as documented, every id written
// exactly once with the status its task and its troubles imply, the batch
// over within a bounded simulated time.
//
// A run with `trace` set records every event, for a failing seed's report
// (tracing costs time: a failing seed is simply run again with it).
//
// Use from one thread.

#ifndef TASKFARM_TESTS_SIM_WORLD_H_
#define TASKFARM_TESTS_SIM_WORLD_H_

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "base/clock.h"
#include "journal/id_set.h"
#include "master/master_core.h"
#include "master/outbox.h"
#include "proto/batch.h"
#include "proto/messages.h"
#include "tests/sim/scenario.h"

namespace taskfarm::sim {

struct Figures {
  uint64_t events = 0;      // simulated events run
  uint64_t faults = 0;      // faults of the schedule applied
  uint64_t sim_ms = 0;      // simulated time, milliseconds
  uint64_t tasks_run = 0;   // tasks the simulated workers ran
};

struct RunResult {
  bool ok = true;
  std::string failure;             // the first invariant broken
  std::vector<std::string> trace;  // the last events (with `trace`)
  std::vector<std::string> says;   // the master's last lines on stderr
  int exit_code = -1;
  Figures figures;
};

class SimWorker;
class SimLogger;

class World : public master::Outbox {
 public:
  World(Scenario scenario, bool trace);
  ~World() override;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  RunResult Run();

  // For the simulated processes (sim_worker.cc, sim_logger.cc).
  base::Instant now() const { return now_; }
  const Scenario& scenario() const { return scenario_; }
  std::mt19937_64& rng() { return rng_; }
  // Runs `fn` at `at`, unless `gen` (if given) no longer matches *gen_ref.
  void At(base::Instant at, std::function<void()> fn);
  // A message from a worker (or the logger) to the master, on the
  // connection `channel` (delivered in order on it).
  void ToMaster(SimWorker& w, bool heartbeat_socket, std::string header,
                std::optional<std::string> body);
  void LoggerToMaster(SimLogger& l, std::string header);
  // A local child exited (the master hears it as SIGCHLD), or a remote
  // worker process did (its host's `worker --procs` decides).
  void Exited(SimWorker& w, supervise::ExitStatus status);
  void LoggerExited(SimLogger& l, supervise::ExitStatus status);
  // Bookkeeping of the simulated workers, for the checks.
  void TaskStarted(uint64_t id);
  void TaskEnded(uint64_t id);
  void TroubleFor(uint64_t id) { ++trouble_[id]; }
  void Written(uint64_t id, proto::TaskStatus status);
  void Trace(std::string line);
  bool tracing() const { return trace_on_; }
  void Fail(std::string why);
  uint64_t tasks_finished() const { return figures_.tasks_run; }
  // The worker currently reached by `identity` through `port`, if any.
  void Route(SimWorker* w, bool add);

  // master::Outbox.
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
  absl::StatusOr<master::Spawned> StartSlot(int slot,
                                            const master::SlotSpec& spec) override;
  void SignalSlot(int slot, pid_t pid, int signal) override;
  void CheckInput(const master::KindTable& kinds) override;
  absl::StatusOr<master::InputReady> OpenOutput() override;
  void Say(absl::string_view line) override;
  void Print(absl::string_view text) override;

 private:
  struct Event {
    base::Instant at;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Event& o) const {
      return at != o.at ? at > o.at : seq > o.seq;
    }
  };
  struct Host {
    bool cut = false;
    bool hold = false;  // while cut: messages wait (else they are lost)
    std::vector<std::function<void()>> held;
    std::vector<SimWorker*> procs;
  };

  base::Duration Latency();
  // Delivery time on a connection whose last delivery was at `*last`.
  base::Instant Deliver(base::Instant* last);
  // Messages to and from a remote host go through here: a cut holds or
  // drops them (and calls `on_cut`, if given).
  void Network(int host, base::Instant at, std::function<void()> fn,
               std::function<void()> on_cut = nullptr);
  void StartRemote(int host, int index, base::Duration delay);
  void ApplyFaults();
  void ApplyFault(const Fault& f);
  SimWorker* PickWorker(int arg, const std::function<bool(SimWorker&)>& fits);
  void OnRecords(const zmq::message_t& records, uint64_t seq);
  // checks.cc
  void CheckStep();
  void CheckEnd();
  void CheckTasksSent(const std::string& body);

  Scenario scenario_;
  const bool trace_on_;
  std::mt19937_64 rng_;
  base::Instant start_;
  base::Instant now_;
  uint64_t next_seq_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  std::unique_ptr<master::MasterCore> core_;
  Figures figures_;
  std::optional<std::string> failure_;
  std::deque<std::string> trace_;
  std::deque<std::string> says_;

  // Processes.
  pid_t next_pid_ = 1000;
  uint64_t next_worker_id_ = 1;
  std::vector<std::unique_ptr<SimWorker>> workers_;  // every one ever
  std::unique_ptr<SimLogger> logger_;                // the live one
  std::vector<std::unique_ptr<SimLogger>> dead_loggers_;
  std::map<std::pair<size_t, std::string>, SimWorker*> routes_;
  std::map<int, proto::RunState*> pages_;  // by slot: mapped by the core
  std::vector<Host> hosts_;
  base::Instant logger_in_last_{}, logger_out_last_{};  // its connection
  int spawn_failures_ = 0;          // spawns still to fail
  int spawn_failures_applied_ = 0;  // spawns made to fail in all
  int max_slot_ = -1;

  // The input, the output and the faults.
  class Feed;
  std::unique_ptr<Feed> feed_;
  journal::IdSet done_before_;
  size_t next_fault_ = 0;
  std::set<FaultKind> applied_;  // kinds of faults applied
  int signals_sent_ = 0;
  int first_signal_ = 0;
  bool logger_slow_ = false;
  bool logger_fails_ = false;
  std::string kinds_seen_;

  // What happened, for the checks.
  std::map<uint64_t, proto::TaskStatus> output_;  // the output file
  std::map<uint64_t, uint64_t> reported_in_;      // id -> seq of its frame
  std::map<uint64_t, int> trouble_;  // deaths while running it, bad frames
  uint64_t lowest_unreported_ = 0;
  std::vector<uint64_t> sent_ids_;  // of the batch being sent
  // Every record the master accepted has reached the sim: a logger is
  // attached (or none is used), so nothing waits in the master's relay.
  bool relay_live_ = false;
  uint64_t delivered_seq_ = 0;  // without a logger: frames delivered
  bool halted_ = false;

  friend class SimWorker;
  friend class SimLogger;
};

}  // namespace taskfarm::sim

#endif  // TASKFARM_TESTS_SIM_WORLD_H_
