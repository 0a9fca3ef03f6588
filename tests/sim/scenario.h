// File: tests/sim/scenario.h
//
// Scenario is one whole batch for the simulator, made from a seed: the
// master's options, the tasks (what each does when run: succeed, fail,
// crash its worker, throw, run out of memory, hang, take long), the remote
// hosts, a partial output to resume from, and a schedule of faults, each
// tied to the batch's progress (tasks finished by the simulated workers),
// never to the clock. The same seed always makes the same scenario.
//
// Plain data; thread-compatible.

#ifndef TASKFARM_TESTS_SIM_SCENARIO_H_
#define TASKFARM_TESTS_SIM_SCENARIO_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "master/options.h"

namespace taskfarm::sim {

// What a task does when a worker runs it.
enum class TaskKind {
  kOk,     // returns a result
  kError,  // returns an error (status error)
  kCrash,  // kills its worker (SIGSEGV)
  kThrow,  // throws: the worker reports it (Fatal) and exits 70
  kOom,    // runs out of memory: Fatal, exit 71 (with --max-memory)
  kHang,   // never returns (with --timeout: the worker's watchdog acts)
  kSlow,   // returns a result, after long
};
inline constexpr int kTaskKindCount = 7;
const char* TaskKindName(TaskKind kind);

struct SimTask {
  TaskKind kind = TaskKind::kOk;
  base::Duration duration{};  // how long it runs
};

enum class FaultKind {
  kKillRunning,     // SIGKILL a local worker running a task
  kKillPrefetching, // SIGKILL a local worker holding a batch it has not begun
  kKillIdle,        // SIGKILL a local worker with nothing to do
  kStop,            // SIGSTOP a worker (local or remote): it hangs
  kCutHost,         // cut a remote host off the network, heal it later
  kKillRemote,      // a remote worker process dies (its host restarts it)
  kLoggerCrash,     // SIGKILL the logger
  kLoggerSlow,      // the logger acknowledges late from now on
  kLoggerFails,     // the output cannot be written: the logger exits 74
  kBadFrame,        // a worker's next results frame lies or is garbled
  kSpawnFailures,   // the next spawns fail (fork: EAGAIN)
  kSignal,          // SIGINT, SIGTERM, SIGQUIT or SIGHUP to the master
  kSecondSignal,    // ... and another
  kWorkerDropsBatch, // a worker drops the next batch it is sent
  // Made by hand only (seeds draw the kinds above, so that a seed keeps
  // its scenario):
  kBatchLate,       // a worker's next batch arrives 5 x liveness late,
                    // overtaken by its heartbeats (a backed-up master queue)
  kBatchLost        // a worker's next batch never arrives (dropped with a
                    // connection that ZeroMQ remade), the worker lives on
};
inline constexpr int kFaultKindCount = 14;  // the kinds seeds draw from
const char* FaultKindName(FaultKind kind);

// How a bad results frame is bad.
enum class BadFrame { kWrongCount, kGarbled, kAbsurdId, kForeignIds };

struct Fault {
  FaultKind kind;
  uint64_t after_tasks = 0;  // when this many tasks were finished by workers
  int arg = 0;               // which worker, signal, frame kind, count...
};

struct Scenario {
  uint64_t seed = 0;
  master::FarmOptions options;
  bool with_logger = true;  // else records go to the caller (embedded Farm)
  int remote_hosts = 0;     // each runs `worker --procs=procs_per_host`
  int procs_per_host = 0;
  std::vector<SimTask> tasks;
  std::set<uint64_t> done_before;  // --resume: ids already in the output
  bool bad_input = false;          // the input check finds an error
  std::vector<Fault> faults;

  // One line per setting, for a failing seed's report.
  std::string Describe() const;
};

Scenario MakeScenario(uint64_t seed);

}  // namespace taskfarm::sim

#endif  // TASKFARM_TESTS_SIM_SCENARIO_H_
