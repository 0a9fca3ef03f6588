// latency: what one task costs in time, against bare ZeroMQ, and what one
// worker costs to start and to keep. All in one run, so the ratios hold on
// a shared machine.
//
//   ./tools/bazel run -c opt //bench:latency -- [--round_trips=2000]
//       [--tasks=2000] [--starts=20] [--lone=10] [--only=bare,task,lone,start]
//       [--master=PATH] [--worker=PATH] [--logger=PATH]
//
// 1. bare: a ROUTER here and a DEALER in a child process (this binary again,
//    --role=echo) on an ipc socket; one 32-byte message in flight; each
//    round trip timed.
// 2. taskfarm: the real master, --workers=1 --window=1 --max_batch=1, on
//    --tasks `fib 1` tasks, jsonl to a pipe read here. With one task in
//    flight the next task leaves the master when the previous result comes
//    back, so the gap between two records reaching the pipe is one task's
//    trip master -> worker -> master (the relay to the logger overlaps it).
//    A first task `sleep 500` lets the logger start meanwhile; records that
//    piled up before the first read are skipped anyway; gaps are
//    counted only when a read returned exactly one record.
// 3. lone: the whole master process on one `fib 1` task (start-up included).
// 4. worker start-up: fork+exec of the real worker until its hello arrives
//    on a ROUTER here, and its RSS then (/proc/PID/status).
// Prints a table and tab-separated "summary" lines for bench/run_all.sh.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/scale/batch_run.h"
#include "bench/scale/percentiles.h"

ABSL_FLAG(std::string, role, "", "internal: 'echo' runs the bare peer");
ABSL_FLAG(std::string, connect, "", "internal: the echo peer's endpoint");
ABSL_FLAG(int, round_trips, 2000, "bare round trips");
ABSL_FLAG(int, tasks, 2000, "tasks through taskfarm, one in flight");
ABSL_FLAG(int, starts, 20, "worker start-ups");
ABSL_FLAG(int, lone, 10, "whole-process runs of a one-task batch");
ABSL_FLAG(std::string, worker, "", "worker executable (default: runfiles)");
ABSL_FLAG(std::string, master, "", "master executable (default: runfiles)");
ABSL_FLAG(std::string, logger, "", "logger executable for the master (default: its own)");
ABSL_FLAG(std::string, only, "bare,task,lone,start",
          "sections to run: bare, task, lone, start (comma-separated)");

namespace taskfarm::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// A private directory for ipc endpoints; removed by the caller.
std::string TempDir() {
  char dir[] = "/tmp/taskfarm-latency.XXXXXX";
  return mkdtemp(dir) ? dir : "/tmp";
}

// Spawn with standard error to /dev/null when `quiet`.
pid_t Spawn(const std::vector<std::string>& args, int stdout_fd, bool quiet) {
  const int null = quiet ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
  const pid_t pid = bench::Spawn(args, stdout_fd, null);
  if (null >= 0) close(null);
  return pid;
}

// The bare peer: echoes every message until it gets "bye".
int Echo(const std::string& endpoint) {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  (void)socket.send(zmq::str_buffer("hi"), zmq::send_flags::none);
  for (zmq::message_t m;;) {
    if (!socket.recv(m)) continue;
    if (m.to_string_view() == "bye") return 0;
    (void)socket.send(m, zmq::send_flags::none);
  }
}

std::vector<double> BareRoundTrips(int n) {
  const std::string dir = TempDir(), endpoint = absl::StrCat("ipc://", dir, "/rt");
  zmq::context_t context(1);
  zmq::socket_t router(context, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.bind(endpoint);
  const pid_t pid = Spawn({SelfExe(), "--role=echo", "--connect=" + endpoint}, -1, false);
  zmq::message_t id, body;
  (void)router.recv(id);
  (void)router.recv(body);
  const std::string payload(32, 'x');
  std::vector<double> us;
  for (int i = 0; i < n + 100; ++i) {  // 100 to warm up
    const Clock::time_point t0 = Clock::now();
    (void)router.send(zmq::buffer(id.to_string_view()), zmq::send_flags::sndmore);
    (void)router.send(zmq::buffer(payload), zmq::send_flags::none);
    (void)router.recv(id);
    (void)router.recv(body);
    if (i >= 100) us.push_back(Micros(Clock::now() - t0));
  }
  (void)router.send(zmq::buffer(id.to_string_view()), zmq::send_flags::sndmore);
  (void)router.send(zmq::str_buffer("bye"), zmq::send_flags::none);
  waitpid(pid, nullptr, 0);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return us;
}

struct Cycles {
  std::vector<double> us;  // gaps between records read one per read
  double mean_us = 0;      // (last - first) / (records - 1), every record
};

Cycles TaskfarmCycles(const std::string& master, int n) {
  const std::string dir = TempDir(), input = dir + "/fib1.tasks";
  {
    std::ofstream f(input);
    f << "sleep 500\n";  // meanwhile the logger starts
    for (int i = 0; i < n; ++i) f << "fib 1\n";
  }
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = Spawn({master, "--workers=1", "--window=1", "--max_batch=1",
                           "--format=jsonl", input}, fds[1], true);
  close(fds[1]);
  Cycles c;
  Clock::time_point first, last, previous;
  int records = 0, in_first_read = 0;
  char buf[1 << 16];
  for (ssize_t got; (got = read(fds[0], buf, sizeof(buf))) > 0;) {
    const Clock::time_point now = Clock::now();
    int k = 0;
    for (ssize_t i = 0; i < got; ++i) k += buf[i] == '\n';
    if (k == 0) continue;
    if (records == 0) {  // what piled up while the logger started
      first = now;
      in_first_read = k;
    } else if (k == 1 && records >= in_first_read + 10) {
      c.us.push_back(Micros(now - previous));
    }
    records += k;
    previous = last = now;
  }
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  if (records > in_first_read) {
    c.mean_us = Micros(last - first) / (records - in_first_read);
  }
  unlink(input.c_str());
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return c;
}

struct Start {
  std::vector<double> ms;  // fork+exec until hello
  std::vector<double> rss_mb;
};

double RssMb(pid_t pid) {
  std::ifstream f(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024;
  }
  return 0;
}

Start WorkerStarts(const std::string& worker, int n) {
  const std::string dir = TempDir(), endpoint = absl::StrCat("ipc://", dir, "/work");
  zmq::context_t context(1);
  zmq::socket_t router(context, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.bind(endpoint);
  Start s;
  for (int i = 0; i < n; ++i) {
    const Clock::time_point t0 = Clock::now();
    const pid_t pid = Spawn({worker, "--connect=" + endpoint}, -1, false);
    std::vector<zmq::message_t> parts;
    (void)zmq::recv_multipart(router, std::back_inserter(parts));
    s.ms.push_back(Micros(Clock::now() - t0) / 1000);
    s.rss_mb.push_back(RssMb(pid));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return s;
}

std::vector<double> LoneBatches(const std::string& master, int n) {
  const std::string dir = TempDir(), output = dir + "/out.jsonl";
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> args = {"--workers=1", "--format=jsonl",
                                     "--tasks=fib 1", "--output=" + output};
    if (!absl::GetFlag(FLAGS_worker).empty()) {
      args.push_back("--worker_bin=" + absl::GetFlag(FLAGS_worker));
    }
    if (!absl::GetFlag(FLAGS_logger).empty()) {
      args.push_back("--logger_bin=" + absl::GetFlag(FLAGS_logger));
    }
    absl::StatusOr<RunResult> r = RunBatch(master, args, "/dev/null");
    if (r.ok()) ms.push_back(r->wall_s * 1000);
    unlink(output.c_str());
    unlink((output + ".taskfarm").c_str());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return ms;
}

const char* Met(bool met) { return met ? "met" : "NOT MET"; }

void Row(const char* what, double p50, double p99, const char* unit, size_t n) {
  std::printf("%-50s %10.1f %10.1f %-3s %6zu\n", what, p50, p99, unit, n);
}

int Run() {
  absl::StatusOr<std::string> master = absl::GetFlag(FLAGS_master).empty()
                                            ? FindRunfile("master/master")
                                            : absl::GetFlag(FLAGS_master);
  absl::StatusOr<std::string> worker = absl::GetFlag(FLAGS_worker).empty()
                                            ? FindRunfile("worker/worker")
                                            : absl::GetFlag(FLAGS_worker);
  if (!master.ok() || !worker.ok()) {
    std::fprintf(stderr, "latency: cannot find the master or the worker\n");
    return 2;
  }
  const std::vector<std::string> only =
      absl::StrSplit(absl::GetFlag(FLAGS_only), ',', absl::SkipEmpty());
  auto wants = [&only](const char* section) {
    return std::find(only.begin(), only.end(), section) != only.end();
  };
  const std::vector<double> bare =
      wants("bare") ? BareRoundTrips(absl::GetFlag(FLAGS_round_trips))
                    : std::vector<double>{};
  const Cycles cycles =
      wants("task") ? TaskfarmCycles(*master, absl::GetFlag(FLAGS_tasks)) : Cycles{};
  const std::vector<double> lone =
      wants("lone") ? LoneBatches(*master, absl::GetFlag(FLAGS_lone))
                    : std::vector<double>{};
  const Start start =
      wants("start") ? WorkerStarts(*worker, absl::GetFlag(FLAGS_starts)) : Start{};

  std::printf("%-50s %10s %10s %-3s %6s\n", "", "p50", "p99", "", "n");
  if (!bare.empty()) {
    Row("bare ipc ROUTER/DEALER round trip", Percentile(bare, 50),
        Percentile(bare, 99), "us", bare.size());
  }
  if (!cycles.us.empty()) {
    Row("taskfarm task, 1 in flight (master-worker-master)",
        Percentile(cycles.us, 50), Percentile(cycles.us, 99), "us", cycles.us.size());
    std::printf("%-50s %10.1f %10s us (every record)\n", "  mean gap",
                cycles.mean_us, "");
  }
  if (!lone.empty()) {
    Row("one-task batch, whole master process", Percentile(lone, 50),
        Percentile(lone, 99), "ms", lone.size());
  }
  if (!start.ms.empty()) {
    Row("worker start-up, fork+exec to hello", Percentile(start.ms, 50),
        Percentile(start.ms, 99), "ms", start.ms.size());
    Row("worker RSS after hello", Percentile(start.rss_mb, 50),
        Percentile(start.rss_mb, 99), "MB", start.rss_mb.size());
  }
  // Tab-separated lines for bench/run_all.sh: target, goal, measured.
  if (!bare.empty() && !cycles.us.empty()) {
    const double ratio = Percentile(cycles.us, 50) / Percentile(bare, 50);
    std::printf("taskfarm / bare, p50: %.2fx\n", ratio);
    std::printf("summary\tlone task p50 / bare ipc round trip\t<= 1.5x\t"
                "%.2fx (%.0f us / %.0f us)\t%s\n",
                ratio, Percentile(cycles.us, 50), Percentile(bare, 50), Met(ratio <= 1.5));
  }
  if (!lone.empty()) {
    std::printf("summary\tone-task batch, whole process, p50\t<= 15 ms\t%.1f ms\t%s\n",
                Percentile(lone, 50), Met(Percentile(lone, 50) <= 15));
  }
  if (!start.ms.empty()) {
    std::printf("summary\tworker start-up, fork+exec to hello, p50 (p99)\t<= 3 ms\t"
                "%.1f ms (%.1f)\t%s\n",
                Percentile(start.ms, 50), Percentile(start.ms, 99),
                Met(Percentile(start.ms, 50) <= 3));
    std::printf("summary\tworker RSS after hello\t<= 8 MB\t%.1f MB\t%s\n",
                Percentile(start.rss_mb, 100), Met(Percentile(start.rss_mb, 100) <= 8));
  }
  return 0;
}

}  // namespace
}  // namespace taskfarm::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_role) == "echo") {
    return taskfarm::bench::Echo(absl::GetFlag(FLAGS_connect));
  }
  return taskfarm::bench::Run();
}
