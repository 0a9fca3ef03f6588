#include "bench/sim/swarm_run.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/clock.h"
#include "base/shared_page.h"
#include "bench/scale/batch_run.h"
#include "bench/scale/percentiles.h"
#include "bench/sim/master_process.h"
#include "bench/sim/proc_stat.h"
#include "bench/sim/shared_state.h"
#include "proto/curve.h"

namespace taskfarm::bench {
namespace {

struct Totals {
  uint64_t started = 0, welcomed = 0, rejoins = 0, tasks = 0, dropped = 0,
           errors = 0, done = 0, late_beats = 0, max_beat_gap_ms = 0;
};

Totals Sum(const SwarmShared& shared, int procs) {
  Totals t;
  for (int k = 0; k < procs; ++k) {
    const SwarmCounters& c = shared.procs[k];
    t.started += c.started.load();
    t.welcomed += c.welcomed.load();
    t.rejoins += c.rejoins.load();
    t.tasks += c.tasks.load();
    t.dropped += c.dropped.load();
    t.errors += c.errors.load();
    t.done += c.done.load();
    t.late_beats += c.late_beats.load();
    t.max_beat_gap_ms = std::max(t.max_beat_gap_ms, c.max_beat_gap_ms.load());
  }
  return t;
}

double Since(base::Instant t) {
  return std::chrono::duration<double>(base::Now() - t).count();
}

}  // namespace

SwarmRow RunSwarm(const SwarmRunOptions& o) {
  SwarmRow row;
  const int n = o.workers;
  const std::string& dir = o.dir;
  row.workers = n;
  const int task_us =
      o.task_us > 0 ? o.task_us : std::max(1, static_cast<int>(n * 1e6 / o.rate));
  row.task_us = task_us;
  row.offered = n * 1e6 / task_us;
  const double window = o.window_s;
  const double join_rate = o.join_rate;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (absl::Status s = proto::GenerateKeyDir(dir + "/keys"); !s.ok()) {
    row.note = std::string(s.message());
    return row;
  }
  const std::string shared_path = dir + "/shared";
  absl::StatusOr<base::SharedPage> page =
      base::SharedPage::Map(shared_path, /*create=*/true, sizeof(SwarmShared));
  if (!page.ok()) {
    row.note = std::string(page.status().message());
    return row;
  }
  auto* shared = static_cast<SwarmShared*>(page->data());
  // Enough tasks that the batch is still running when the window ends
  // (SIGINT ends it), and few enough to be cheap to check.
  const double horizon = window + n / join_rate + 30;
  const uint64_t total = static_cast<uint64_t>(
      std::clamp(row.offered * horizon, 10000.0, 20'000'000.0));
  std::vector<std::string> args = {
      "--workers=0", "--listen=tcp://127.0.0.1:0",
      absl::StrCat("--keys=", dir, "/keys"), "--format=csv", "--output=-",
      absl::StrCat("--tasks=swarm 0..", total - 1)};
  args.insert(args.end(), o.master_args.begin(), o.master_args.end());
  MasterProcess master(shared);
  RaiseFileLimit(static_cast<rlim_t>(o.master_nofile));
  absl::Status started = master.Start(o.master_bin, args, dir + "/master.log");
  RaiseFileLimit(0);
  if (!started.ok()) {
    row.note = std::string(started.message());
    return row;
  }
  absl::StatusOr<std::string> endpoint = master.WaitEndpoint(std::chrono::seconds(30));
  if (!endpoint.ok()) {
    row.note = std::string(endpoint.status().message());
    return row;
  }
  int procs = o.procs;
  // Thousands of workers' connections, heartbeats and tasks in one process
  // would make the swarm itself the bottleneck, which a real worker, alone
  // in its process, never is.
  if (procs <= 0) procs = (n + 249) / 250;
  procs = std::clamp(procs, 1, std::min(n, kMaxSwarmProcs));
  std::vector<pid_t> swarm;
  for (int k = 0, first = 0; k < procs; ++k) {
    const int count = n / procs + (k < n % procs ? 1 : 0);
    swarm.push_back(Spawn(
        {SelfExe(), "--role=swarm", "--endpoint=" + *endpoint,
         absl::StrCat("--keys=", dir, "/keys"), "--shared=" + shared_path,
         absl::StrCat("--first=", first), absl::StrCat("--count=", count),
         absl::StrCat("--proc=", k), absl::StrCat("--task_us=", task_us),
         absl::StrCat("--join_rate=", join_rate / procs)}));
    first += count;
  }
  // Every worker welcomed, then 1 s for the batch sizes to settle.
  const base::Instant t_start = base::Now();
  const double join_deadline = n / join_rate * 3 + 60;
  while (Sum(*shared, procs).welcomed < static_cast<uint64_t>(n) &&
         Since(t_start) < join_deadline && Sum(*shared, procs).done == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  row.joined = Sum(*shared, procs).welcomed;
  row.join_s = Since(t_start);
  std::this_thread::sleep_for(std::chrono::seconds(1));

  absl::StatusOr<ProcSample> before = ReadProc(master.pid());
  const uint64_t records0 = master.records();
  const uint64_t lost_joining = master.lost();
  const base::Instant t0 = base::Now();
  master.OpenWindow();
  pid_t window_cmd = -1;
  if (std::string cmd = o.window_cmd; !cmd.empty()) {
    cmd = absl::StrReplaceAll(cmd, {{"{pid}", absl::StrCat(master.pid())}});
    window_cmd = Spawn({"/bin/sh", "-c", cmd});
  }
  while (Since(t0) < window && Sum(*shared, procs).done < static_cast<uint64_t>(procs)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  absl::StatusOr<ProcSample> after = ReadProc(master.pid());
  const uint64_t records1 = master.records();
  const double dt = Since(t0);
  master.CloseWindow();
  if (window_cmd > 0) waitpid(window_cmd, nullptr, 0);
  row.lost = master.lost();
  row.rejoins = Sum(*shared, procs).rejoins;
  if (before.ok() && after.ok() && records1 > records0) {
    row.routed = static_cast<double>(records1 - records0) / dt;
    row.cpu_share = (after->cpu_s - before->cpu_s) / dt;
    row.cpu_us_per_task =
        (after->cpu_s - before->cpu_s) * 1e6 / static_cast<double>(records1 - records0);
    row.rss_mb = after->rss_mb;
    row.hwm_mb = after->hwm_mb;
  }
  const std::vector<double> lat = master.latencies_us();
  row.p50_ms = Percentile(lat, 50) / 1000;
  row.p99_ms = Percentile(lat, 99) / 1000;

  master.Interrupt();
  absl::StatusOr<int> code = master.Wait(std::chrono::seconds(60));
  row.exit_code = code.ok() ? *code : -1;
  for (pid_t pid : swarm) kill(pid, SIGTERM);
  for (pid_t pid : swarm) waitpid(pid, nullptr, 0);
  const Totals t = Sum(*shared, procs);
  if (t.dropped + t.errors > 0) {
    row.note = absl::StrCat(t.dropped, " frames dropped, ", t.errors, " sends failed");
  }
  if (row.lost + row.rejoins > 0 || t.late_beats > 0) {
    // Whose fault: heartbeats the swarm itself sent late.
    absl::StrAppend(&row.note, row.note.empty() ? "" : "; ", "swarm heartbeats late: ",
                    t.late_beats, " (longest gap ", t.max_beat_gap_ms, " ms); ",
                    row.rejoins, " told to rejoin; lost before the window: ",
                    lost_joining);
  }
  if (row.joined < static_cast<uint64_t>(n)) {
    absl::StrAppend(&row.note, row.note.empty() ? "" : "; ", "only ", row.joined, " of ",
                    n, " welcomed (see ", dir, "/master.log)");
  }
  return row;
}

void RaiseFileLimit(rlim_t soft) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rl.rlim_cur = soft == 0 ? rl.rlim_max : std::min(soft, rl.rlim_max);
  (void)setrlimit(RLIMIT_NOFILE, &rl);
}

rlim_t FileLimit() {
  rlimit rl{};
  return getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 0;
}

}  // namespace taskfarm::bench
