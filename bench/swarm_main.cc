// swarm: the real master against N simulated remote workers over tcp with
// CURVE on loopback (issue 11.3).
//
//   ./tools/bazel run -c opt //bench:swarm -- [--workers=1,10,100,1000,5000]
//       [--rate=20000 | --task_us=1000] [--window_s=5] [--procs=0]
//       [--join_rate=1000] [--master_args='--max_batch=1'] [--out=DIR]
//       [--master_nofile=0] [--window_cmd='perf record -g -p {pid} ...']
//
// For each N: makes CURVE keys (proto::GenerateKeyDir), starts the real
// master (`master --workers=0 --listen=tcp://127.0.0.1:0 --keys=DIR
// --format=csv --output=- --tasks='swarm 0..K'`), then --procs swarm
// processes (this binary again, --role=swarm) that play the N workers
// (bench/sim/sim_worker.h: their own identities, hello, heartbeats on a
// second connection, credit; each task "runs" for --task_us, or for
// N / --rate seconds so that every N offers the same load). Once every
// worker is welcomed and 1 s has passed, it measures for --window_s: tasks
// routed a second (records reaching the master's output), the master's CPU
// (user + system of all its threads, /proc/PID/stat) per task and in all,
// its RSS, the latency from a result leaving a worker to its record
// reaching the output (p50, p99), and workers the master declared lost
// from the start to the window's end, the note saying how many of them
// before the window (it says "lost remote worker"; none of these workers
// ever stops, so every one is lost wrongly). Then SIGINT ends the batch.
//
// File descriptors: every tcp connection is one descriptor in the master
// (two a worker) and two in the swarm (the connection and the socket's
// mailbox). The swarm raises its soft RLIMIT_NOFILE to the hard limit, for
// itself and for the master it starts; --master_nofile=K starts the master
// with a soft limit of K instead, to see what a smaller one does.
//
// Prints a table, and tab-separated "summary" lines for bench/run_all.sh.

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/shared_page.h"
#include "bench/scale/batch_run.h"
#include "bench/sim/shared_state.h"
#include "bench/sim/swarm_loop.h"
#include "bench/sim/swarm_run.h"
#include "proto/curve.h"

ABSL_FLAG(std::string, workers, "1,10,100,1000,5000", "simulated workers, a list");
ABSL_FLAG(double, rate, 20000, "tasks/s all workers offer together (with --task_us=0)");
ABSL_FLAG(int, task_us, 0, "each task's time; 0: N / --rate");
ABSL_FLAG(double, window_s, 5, "seconds measured");
ABSL_FLAG(int, procs, 0, "swarm processes (0: one per 250 workers)");
ABSL_FLAG(double, join_rate, 1000, "workers joining a second, all processes");
ABSL_FLAG(std::string, master_args, "", "more master arguments, blank-separated");
ABSL_FLAG(std::string, master, "", "master executable (default: runfiles)");
ABSL_FLAG(std::string, out, "", "directory for logs (default: a temporary one)");
ABSL_FLAG(int, master_nofile, 0, "the master's soft RLIMIT_NOFILE (0: the hard limit)");
ABSL_FLAG(std::string, window_cmd, "",
          "a shell command run while measuring, {pid} = the master's pid, e.g. "
          "'perf record -g -p {pid} -o /tmp/m.data -- sleep 4'");
// Internal: one swarm process.
ABSL_FLAG(std::string, role, "", "internal: 'swarm'");
ABSL_FLAG(std::string, endpoint, "", "internal");
ABSL_FLAG(std::string, keys, "", "internal");
ABSL_FLAG(std::string, shared, "", "internal");
ABSL_FLAG(int, first, 0, "internal");
ABSL_FLAG(int, count, 0, "internal");
ABSL_FLAG(int, proc, 0, "internal");

namespace taskfarm::bench {
namespace {

volatile std::sig_atomic_t g_stop = 0;

// One swarm process: workers --first .. --first + --count - 1.
int RunSwarmProcess() {
  RaiseFileLimit(0);
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_stop = 1; };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  const std::string keys = absl::GetFlag(FLAGS_keys);
  absl::StatusOr<std::string> master = proto::ReadKeyFile(keys + "/master.public", false);
  absl::StatusOr<std::string> secret = proto::ReadKeyFile(keys + "/worker.secret", true);
  absl::StatusOr<std::string> pub =
      secret.ok() ? proto::CurvePublicKey(*secret) : secret.status();
  absl::StatusOr<base::SharedPage> page = base::SharedPage::Map(
      absl::GetFlag(FLAGS_shared), /*create=*/false, sizeof(SwarmShared));
  if (!master.ok() || !pub.ok() || !page.ok()) {
    std::fprintf(stderr, "swarm: cannot read the keys or the shared file\n");
    return 2;
  }
  auto* shared = static_cast<SwarmShared*>(page->data());
  SwarmCounters* counters = &shared->procs[absl::GetFlag(FLAGS_proc)];
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  SimSettings settings{absl::GetFlag(FLAGS_endpoint), *master, {*pub, *secret},
                       std::chrono::microseconds(absl::GetFlag(FLAGS_task_us)),
                       absl::StrCat(host, "-swarm")};
  SwarmLoop loop(settings, counters, shared, absl::GetFlag(FLAGS_first),
                 absl::GetFlag(FLAGS_count), absl::GetFlag(FLAGS_join_rate));
  absl::Status s = loop.Run(&g_stop);
  counters->done.store(1);
  if (!s.ok()) {
    std::fprintf(stderr, "swarm: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

int RunDriver() {
  RaiseFileLimit(0);
  std::string master = absl::GetFlag(FLAGS_master);
  if (master.empty()) {
    absl::StatusOr<std::string> found = FindRunfile("master/master");
    if (!found.ok()) {
      std::fprintf(stderr, "swarm: %s; pass --master\n",
                   std::string(found.status().message()).c_str());
      return 2;
    }
    master = *found;
  }
  std::vector<int> sizes;
  for (absl::string_view w : absl::StrSplit(absl::GetFlag(FLAGS_workers), ',',
                                            absl::SkipEmpty())) {
    int n = 0;
    if (!absl::SimpleAtoi(w, &n) || n < 1) {
      std::fprintf(stderr, "swarm: --workers: %s is not a count\n", std::string(w).c_str());
      return 2;
    }
    sizes.push_back(n);
  }
  std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    char dir[] = "/tmp/taskfarm-swarm.XXXXXX";
    out = mkdtemp(dir) ? dir : "/tmp";
  }
  std::printf("swarm: the real master against N simulated remote workers, tcp + CURVE "
              "on loopback; %ld CPUs; file limit %lu; logs in %s\n",
              sysconf(_SC_NPROCESSORS_ONLN), static_cast<unsigned long>(FileLimit()),
              out.c_str());
  std::printf("%7s %8s %10s %7s %7s %10s %7s %9s %8s %8s %8s %8s %5s %5s\n", "workers",
              "task_us", "offered/s", "joined", "join_s", "routed/s", "cpu%", "us/task",
              "RSS_MB", "peak_MB", "p50_ms", "p99_ms", "lost", "exit");
  std::vector<SwarmRow> rows;
  for (int n : sizes) {
    SwarmRunOptions options;
    options.master_bin = master;
    options.workers = n;
    options.task_us = absl::GetFlag(FLAGS_task_us);
    options.rate = absl::GetFlag(FLAGS_rate);
    options.window_s = absl::GetFlag(FLAGS_window_s);
    options.procs = absl::GetFlag(FLAGS_procs);
    options.join_rate = absl::GetFlag(FLAGS_join_rate);
    options.master_args = absl::StrSplit(absl::GetFlag(FLAGS_master_args), ' ',
                                         absl::SkipEmpty());
    options.master_nofile = absl::GetFlag(FLAGS_master_nofile);
    options.window_cmd = absl::GetFlag(FLAGS_window_cmd);
    options.dir = absl::StrCat(out, "/n", n);
    SwarmRow r = RunSwarm(options);
    std::printf("%7d %8d %10.0f %7lu %7.1f %10.0f %7.1f %9.2f %8.1f %8.1f %8.2f %8.2f %5lu %5d%s%s\n",
                r.workers, r.task_us, r.offered, static_cast<unsigned long>(r.joined),
                r.join_s, r.routed, r.cpu_share * 100, r.cpu_us_per_task, r.rss_mb,
                r.hwm_mb, r.p50_ms, r.p99_ms, static_cast<unsigned long>(r.lost),
                r.exit_code, r.note.empty() ? "" : "  ", r.note.c_str());
    std::fflush(stdout);
    rows.push_back(r);
  }
  // Tab-separated lines for bench/run_all.sh: target, goal, measured.
  const std::string how = absl::GetFlag(FLAGS_task_us) > 0
                              ? absl::StrCat(absl::GetFlag(FLAGS_task_us), " us tasks")
                              : absl::StrCat(absl::GetFlag(FLAGS_rate), " tasks/s offered");
  const std::string extra = absl::GetFlag(FLAGS_master_args);
  auto find = [&rows](int n) -> const SwarmRow* {
    for (const SwarmRow& r : rows) if (r.workers == n) return &r;
    return nullptr;
  };
  for (const SwarmRow& r : rows) {
    std::printf("summary\tswarm, %d workers (%s%s%s)\t-\t%.0f tasks/s, master %.2f us "
                "CPU/task (%.0f%% of a core), RSS %.1f MB, p50 %.2f ms, p99 %.2f ms, "
                "lost %lu\t-\n",
                r.workers, how.c_str(), extra.empty() ? "" : ", ", extra.c_str(), r.routed,
                r.cpu_us_per_task, r.cpu_share * 100, r.rss_mb, r.p50_ms, r.p99_ms,
                static_cast<unsigned long>(r.lost));
  }
  if (const SwarmRow *one = find(1), *thousand = find(1000);
      one != nullptr && thousand != nullptr && one->cpu_us_per_task > 0) {
    const double ratio = thousand->cpu_us_per_task / one->cpu_us_per_task;
    std::printf("summary\tmaster CPU/task, 1,000 vs 1 workers (%s%s%s)\t<= 2x\t%.2fx "
                "(%.2f us vs %.2f us)\t%s\n",
                how.c_str(), extra.empty() ? "" : ", ", extra.c_str(), ratio,
                thousand->cpu_us_per_task, one->cpu_us_per_task,
                ratio <= 2 && thousand->joined == 1000 ? "met" : "NOT MET");
  }
  if (const SwarmRow* big = find(5000)) {
    std::printf("summary\tworkers wrongly lost, 5,000 workers\t0\t%lu (%lu of 5000 "
                "joined)\t%s\n",
                static_cast<unsigned long>(big->lost),
                static_cast<unsigned long>(big->joined),
                big->lost == 0 && big->joined == 5000 ? "met" : "NOT MET");
    std::printf("summary\tmaster RSS, 5,000 workers\t< 128 MB\t%.1f MB (peak %.1f)\t%s\n",
                big->rss_mb, big->hwm_mb,
                big->hwm_mb < 128 && big->joined == 5000 ? "met" : "NOT MET");
  }
  if (absl::GetFlag(FLAGS_task_us) > 0) {
    // One core routes 1 / (CPU per task) tasks a second; a worker running
    // tasks of task_us asks for 1e6 / task_us of them.
    double best = 0;
    for (const SwarmRow& r : rows) {
      if (r.cpu_us_per_task > 0 && r.cpu_share < 0.9) {
        best = std::max(best, 1e6 / r.cpu_us_per_task / (1e6 / r.task_us));
      }
    }
    std::printf("summary\tworkers one master core feeds (%d us tasks)\t-\t%.0f (from the "
                "busiest row under 90%% of a core)\t-\n",
                absl::GetFlag(FLAGS_task_us), best);
  }
  return 0;
}

}  // namespace
}  // namespace taskfarm::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_role) == "swarm") return taskfarm::bench::RunSwarmProcess();
  return taskfarm::bench::RunDriver();
}
