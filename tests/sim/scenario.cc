#include "tests/sim/scenario.h"

#include <signal.h>

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace taskfarm::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

class Dice {
 public:
  explicit Dice(uint64_t seed) : rng_(seed * 0x9e3779b97f4a7c15ULL + 1) {}
  uint64_t Int(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  // Log-uniform between lo and hi microseconds.
  base::Duration Micros(double lo, double hi) {
    std::uniform_real_distribution<double> d(std::log(lo), std::log(hi));
    return microseconds(static_cast<int64_t>(std::exp(d(rng_))));
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

const char* TaskKindName(TaskKind kind) {
  switch (kind) {
    case TaskKind::kOk: return "ok";
    case TaskKind::kError: return "error";
    case TaskKind::kCrash: return "crash";
    case TaskKind::kThrow: return "throw";
    case TaskKind::kOom: return "oom";
    case TaskKind::kHang: return "hang";
    case TaskKind::kSlow: return "slow";
  }
  return "?";
}

const char* FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kKillRunning: return "kill-running";
    case FaultKind::kKillPrefetching: return "kill-prefetching";
    case FaultKind::kKillIdle: return "kill-idle";
    case FaultKind::kStop: return "sigstop";
    case FaultKind::kCutHost: return "cut-host";
    case FaultKind::kKillRemote: return "kill-remote";
    case FaultKind::kLoggerCrash: return "logger-crash";
    case FaultKind::kLoggerSlow: return "logger-slow";
    case FaultKind::kLoggerFails: return "logger-fails";
    case FaultKind::kBadFrame: return "bad-frame";
    case FaultKind::kSpawnFailures: return "spawn-failures";
    case FaultKind::kSignal: return "signal";
    case FaultKind::kSecondSignal: return "second-signal";
    case FaultKind::kWorkerDropsBatch: return "drops-batch";
    case FaultKind::kBatchLate: return "batch-late";
    case FaultKind::kBatchLost: return "batch-lost";
  }
  return "?";
}

Scenario MakeScenario(uint64_t seed) {
  Dice dice(seed);
  Scenario s;
  s.seed = seed;
  master::FarmOptions& o = s.options;
  s.remote_hosts = dice.Chance(0.3) ? static_cast<int>(dice.Int(1, 2)) : 0;
  s.procs_per_host = s.remote_hosts > 0 ? static_cast<int>(dice.Int(1, 2)) : 0;
  o.workers = static_cast<int>(dice.Int(s.remote_hosts > 0 ? 0 : 1, 3));
  if (s.remote_hosts > 0) {
    o.remote.listen = "tcp://127.0.0.1:0";
    o.remote.insecure = true;
  }
  o.retries = static_cast<uint32_t>(dice.Int(1, 4));
  o.window = static_cast<uint32_t>(dice.Int(1, 3));
  o.max_batch = static_cast<uint32_t>(dice.Int(1, 64));
  o.target_batch_time = milliseconds(dice.Int(2, 20));
  o.heartbeat = milliseconds(dice.Chance(0.5) ? 1000 : dice.Int(200, 1000));
  o.liveness = static_cast<uint32_t>(dice.Int(2, 4));
  if (dice.Chance(0.3)) o.timeout = seconds(dice.Int(1, 5));
  if (dice.Chance(0.3)) o.max_memory_mb = 100;
  if (dice.Chance(0.2)) o.max_tasks_per_worker = dice.Int(3, 30);
  if (dice.Chance(0.2)) {
    o.keep_order = true;
    o.reorder_window = dice.Int(5, 200);
  }
  if (dice.Chance(0.1)) {
    o.halt.when = dice.Chance(0.5) ? master::HaltPolicy::When::kNow
                                   : master::HaltPolicy::When::kSoon;
    o.halt.on_success = dice.Chance(0.3);
    o.halt.count = dice.Int(1, 3);
  }
  o.restart.min_delay = milliseconds(100);
  o.restart.max_delay = seconds(5);
  o.grace = seconds(5);
  o.startup_timeout = seconds(60);

  const uint64_t n = dice.Int(10, 120);
  const bool poison_first = dice.Chance(0.05);
  for (uint64_t i = 0; i < n; ++i) {
    SimTask t;
    t.duration = dice.Micros(50, 20000);
    const uint64_t roll = dice.Int(0, 999);
    if (poison_first && i < 5) {
      t.kind = TaskKind::kCrash;
    } else if (roll < 40) {
      t.kind = TaskKind::kError;
    } else if (roll < 60) {
      t.kind = TaskKind::kCrash;
    } else if (roll < 75) {
      t.kind = TaskKind::kThrow;
    } else if (roll < 90 && o.max_memory_mb > 0) {
      t.kind = TaskKind::kOom;
    } else if (roll < 105 && o.timeout.count() > 0) {
      t.kind = TaskKind::kHang;
    } else if (roll < 150) {
      t.kind = TaskKind::kSlow;
      const double cap = o.timeout.count() > 0
                             ? std::chrono::duration<double, std::micro>(o.timeout).count() / 2
                             : 2e6;
      t.duration = dice.Micros(std::min(2e5, cap / 2), cap);
    }
    s.tasks.push_back(t);
  }
  if (dice.Chance(0.1)) {
    for (uint64_t i = 0; i < n; ++i) {
      if (dice.Chance(0.3)) s.done_before.insert(i);
    }
    o.resume = true;
  }
  s.bad_input = dice.Chance(0.03);
  s.with_logger = !dice.Chance(0.1);

  const int faults = static_cast<int>(dice.Int(0, 4));
  for (int i = 0; i < faults; ++i) {
    Fault f;
    f.kind = static_cast<FaultKind>(dice.Int(0, kFaultKindCount - 1));
    f.after_tasks = dice.Int(0, n);
    f.arg = static_cast<int>(dice.Int(0, 1000));
    switch (f.kind) {
      case FaultKind::kSignal:
      case FaultKind::kSecondSignal: {
        const int signals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
        f.arg = signals[dice.Int(0, 3)];
        break;
      }
      case FaultKind::kSpawnFailures:
        f.arg = static_cast<int>(dice.Int(1, 15));
        break;
      default:
        break;
    }
    s.faults.push_back(f);
  }
  std::sort(s.faults.begin(), s.faults.end(),
            [](const Fault& a, const Fault& b) { return a.after_tasks < b.after_tasks; });
  return s;
}

std::string Scenario::Describe() const {
  const master::FarmOptions& o = options;
  std::vector<std::string> kinds;
  int counts[kTaskKindCount] = {};
  for (const SimTask& t : tasks) ++counts[static_cast<int>(t.kind)];
  for (int k = 0; k < kTaskKindCount; ++k) {
    if (counts[k] > 0) {
      kinds.push_back(absl::StrCat(counts[k], " ", TaskKindName(static_cast<TaskKind>(k))));
    }
  }
  std::vector<std::string> fault_list;
  for (const Fault& f : faults) {
    fault_list.push_back(absl::StrCat(FaultKindName(f.kind), "(", f.arg, ")@",
                                      f.after_tasks));
  }
  auto ms = [](base::Duration d) {
    return std::chrono::duration_cast<milliseconds>(d).count();
  };
  return absl::StrCat(
      "seed ", seed, ": ", tasks.size(), " tasks (", absl::StrJoin(kinds, ", "),
      "), ", o.workers, " local workers, ",
      with_logger ? "" : "no logger (embedded), ", remote_hosts, " remote hosts x ",
      procs_per_host, "; retries ", o.retries, ", window ", o.window,
      ", max_batch ", o.max_batch, ", heartbeat ", ms(o.heartbeat), " ms x ",
      o.liveness, ", timeout ", ms(o.timeout), " ms, max_memory ",
      o.max_memory_mb, ", max_tasks_per_worker ", o.max_tasks_per_worker,
      o.keep_order ? absl::StrCat(", keep_order ", o.reorder_window) : "",
      o.halt.when != master::HaltPolicy::When::kNever
          ? absl::StrCat(", halt ", o.halt.ToString())
          : "",
      done_before.empty() ? "" : absl::StrCat(", resume with ", done_before.size(), " done"),
      bad_input ? ", bad input" : "", "; faults: ", absl::StrJoin(fault_list, " "));
}

}  // namespace taskfarm::sim
