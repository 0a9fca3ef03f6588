// scaling: CPU scaling of a real batch, W = 1 .. --max_workers.
//
//   ./tools/bazel run -c opt //bench:scaling -- [--max_workers=N]
//       [--task='primes 3000000'] [--tasks=200] [--repeat=3] [--out=DIR]
//
// Runs the real master (a Bazel data dependency, found in the runfiles) on
// --tasks copies of --task with --workers=W for every W, --repeat times
// round-robin (so a burst of load from elsewhere hits every W alike), and
// keeps each W's fastest run. Prints the table (W, wall s, tasks/s, speedup,
// efficiency of the whole run; the same for the tasks phase, first task sent
// to last result, as the master's --stats-json reports it; CPU s) and writes
// DIR/scaling.csv and DIR/scaling.svg (speedup against W, the ideal line, a
// marker at W = cores).
//
// The ceiling, in the same rounds: the same task run by the task library
// directly (no farm, no IPC) in `cores` processes at once, each running
// --tasks / cores of them, against one such process alone: speedup =
// cores x T(one) / T(all). That is what the machine itself gives (a VM's
// cores are not always whole); the farm's tasks-phase speedup at W = cores
// is compared with it (issue 11: >= 0.97 of it). --noplain skips it.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/scale/batch_run.h"
#include "bench/scale/scaling_point.h"
#include "bench/scale/svg_chart.h"
#include "bench/scale/table_writer.h"
#include "proto/signature.h"
#include "tasks/registry.h"

ABSL_FLAG(int, max_workers, 0, "largest W (default: 2 x cores)");
ABSL_FLAG(std::string, task, "primes 3000000", "the task, one line");
ABSL_FLAG(int, tasks, 200, "tasks per batch");
ABSL_FLAG(int, repeat, 3, "runs per W; the fastest is kept");
ABSL_FLAG(std::string, out, "scaling-out", "directory for scaling.csv and .svg");
ABSL_FLAG(std::string, master, "", "master executable (default: runfiles)");
ABSL_FLAG(bool, plain, true, "also measure the task without the farm");
ABSL_FLAG(int, plain_tasks, 0, "internal: run --task this many times and exit");

namespace taskfarm::bench {
namespace {

// Relative paths are the user's: bazel run starts us in the runfiles tree.
std::string UserPath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || cwd == nullptr) return path;
  return absl::StrCat(cwd, "/", path);
}

bool WriteFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
  return static_cast<bool>(f.flush());
}

// The master's own account of its tasks phase (first task sent to last
// result), from --stats-json; 0 if it is not there.
double TasksPhaseSeconds(const std::string& stats_path) {
  std::ifstream f(stats_path);
  const nlohmann::json stats =
      nlohmann::json::parse(f, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (!stats.is_object()) return 0;
  const auto it = stats.find("compute_seconds");
  return it != stats.end() && it->is_number() ? it->get<double>() : 0;
}

std::string CpuModel() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

std::string LoadAverage() {
  std::ifstream f("/proc/loadavg");
  std::string one;
  f >> one;
  return one;
}

// Runs `line` (`KIND ARG...`) `count` times with the task library, as the
// worker would, minus the farm. Returns 0, or 2 if the line is no task.
int RunPlain(const std::string& line, int count) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  const tasks::TaskDef* def =
      words.empty() ? nullptr : tasks::TaskRegistry::Global()->Find(words[0]);
  if (def == nullptr || !def->signature.AcceptsCount(words.size() - 1)) {
    std::fprintf(stderr, "scaling: '%s' is not a task this binary knows\n", line.c_str());
    return 2;
  }
  std::vector<proto::Value> args;
  for (size_t i = 1; i < words.size(); ++i) {
    absl::StatusOr<proto::Value> v = proto::ParseArg(def->signature.TypeAt(i - 1), words[i]);
    if (!v.ok()) return 2;
    args.push_back(*v);
  }
  const tasks::Env env;
  std::string result;
  for (int i = 0; i < count; ++i) {
    result.clear();
    (void)def->fn(tasks::Call(args, static_cast<uint64_t>(i), 1, &env), &result);
  }
  return 0;
}

// Wall time of `copies` processes at once, each running --task `count`
// times (this binary again, --plain_tasks).
double PlainCopies(int copies, int count) {
  const std::vector<std::string> argv = {
      SelfExe(), absl::StrCat("--task=", absl::GetFlag(FLAGS_task)),
      absl::StrCat("--plain_tasks=", count)};
  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> pids;
  for (int i = 0; i < copies; ++i) pids.push_back(Spawn(argv));
  for (pid_t pid : pids) waitpid(pid, nullptr, 0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Run() {
  const int cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  const int max_w = absl::GetFlag(FLAGS_max_workers) > 0
                        ? absl::GetFlag(FLAGS_max_workers)
                        : 2 * cores;
  const int tasks = absl::GetFlag(FLAGS_tasks);
  const int repeat = std::max(1, absl::GetFlag(FLAGS_repeat));
  const std::string task = absl::GetFlag(FLAGS_task);
  const std::string out = UserPath(absl::GetFlag(FLAGS_out));
  std::string master = absl::GetFlag(FLAGS_master);
  if (master.empty()) {
    absl::StatusOr<std::string> found = FindRunfile("master/master");
    if (!found.ok()) {
      std::fprintf(stderr, "scaling: %s; pass --master\n",
                   std::string(found.status().message()).c_str());
      return 2;
    }
    master = *found;
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  std::string input;
  for (int i = 0; i < tasks; ++i) absl::StrAppend(&input, task, "\n");
  const std::string input_path = out + "/scaling.tasks";
  const std::string output_path = out + "/scaling.output";
  const std::string log_path = out + "/scaling.log";
  const std::string stats_path = out + "/scaling.stats.json";
  if (!WriteFile(input_path, input) || !WriteFile(log_path, "")) {
    std::fprintf(stderr, "scaling: cannot write in %s\n", out.c_str());
    return 1;
  }

  const std::string load_before = LoadAverage();
  std::printf("%d x '%s', W = 1..%d, best of %d; %d CPUs (%s); load %s\n",
              tasks, task.c_str(), max_w, repeat, cores, CpuModel().c_str(),
              load_before.c_str());
  std::map<int, Measurement> best;
  const bool plain = absl::GetFlag(FLAGS_plain);
  const int per_copy = std::max(1, tasks / cores);
  double plain_one = 0, plain_all = 0;  // fastest of the rounds
  for (int r = 0; r < repeat; ++r) {
    if (plain) {
      const double one = PlainCopies(1, per_copy);
      const double all = PlainCopies(cores, per_copy);
      std::fprintf(stderr, "  run %d plain: 1 process %.3f s, %d at once %.3f s\n", r + 1,
                   one, cores, all);
      plain_one = r == 0 ? one : std::min(plain_one, one);
      plain_all = r == 0 ? all : std::min(plain_all, all);
    }
    for (int w = 1; w <= max_w; ++w) {
      absl::StatusOr<RunResult> run = RunBatch(
          master,
          {absl::StrCat("--workers=", w), "--format=jsonl",
           absl::StrCat("--output=", output_path),
           absl::StrCat("--stats-json=", stats_path), input_path},
          log_path);
      if (!run.ok()) {
        std::fprintf(stderr, "scaling: %s\n",
                     std::string(run.status().message()).c_str());
        return 1;
      }
      const double tasks_s = TasksPhaseSeconds(stats_path);
      std::fprintf(stderr, "  run %d W=%d %.3f s (tasks phase %.3f s)\n", r + 1, w,
                   run->wall_s, tasks_s);
      Measurement m{w, run->wall_s, static_cast<uint64_t>(tasks), run->cpu_s,
                    tasks_s};
      auto it = best.find(w);
      if (it == best.end() || m.wall_s < it->second.wall_s) best[w] = m;
    }
  }
  std::filesystem::remove(output_path, ec);
  std::filesystem::remove(output_path + ".taskfarm", ec);
  std::filesystem::remove(stats_path, ec);

  std::vector<Measurement> measurements;
  for (const auto& [w, m] : best) measurements.push_back(m);
  const std::vector<ScalingPoint> points = Derive(measurements);
  std::fputs(FormatTable(points).c_str(), stdout);
  const ChartText text{
      .title = absl::StrCat("taskfarm CPU scaling: ", tasks, " x ", task),
      .subtitle = absl::StrFormat("%d CPUs, %s; load %s at start; best of %d",
                                  cores, CpuModel(), load_before, repeat)};
  const std::string csv = out + "/scaling.csv", svg = out + "/scaling.svg";
  if (!WriteFile(csv, FormatCsv(points)) ||
      !WriteFile(svg, SpeedupSvg(points, cores, text))) {
    std::fprintf(stderr, "scaling: cannot write %s or %s\n", csv.c_str(),
                 svg.c_str());
    return 1;
  }
  std::printf("load %s at end; wrote %s and %s\n", LoadAverage().c_str(),
              csv.c_str(), svg.c_str());
  const ScalingPoint* at_cores = nullptr;
  for (const ScalingPoint& p : points) {
    if (p.m.workers == cores) at_cores = &p;
  }
  if (plain && at_cores != nullptr && plain_all > 0) {
    const double ceiling = cores * plain_one / plain_all;
    const double farm = at_cores->tasks_speedup;
    std::printf("plain (the task library, no farm): %d x %d tasks, 1 process %.3f s, "
                "%d at once %.3f s: speedup %.3f\n",
                cores, per_copy, plain_one, cores, plain_all, ceiling);
    std::printf("taskfarm tasks phase at W = %d: speedup %.3f = %.3f of the plain "
                "speedup\n",
                cores, farm, farm / ceiling);
    std::printf("summary\tscaling at W = cores = %d, %d x '%s' (tasks phase)\t>= 0.97 "
                "of plain\t%.3f of plain (taskfarm %.3f, plain %.3f; whole run %.3f)\t%s\n",
                cores, tasks, task.c_str(), farm / ceiling, farm, ceiling,
                at_cores->speedup, farm / ceiling >= 0.97 ? "met" : "NOT MET");
  }
  return 0;
}

}  // namespace
}  // namespace taskfarm::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "CPU scaling of a real taskfarm batch: "
      "scaling [--max_workers=N] [--task='primes 3000000'] [--tasks=200] "
      "[--repeat=3] [--out=DIR]");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_plain_tasks) > 0) {
    return taskfarm::bench::RunPlain(absl::GetFlag(FLAGS_task),
                                     absl::GetFlag(FLAGS_plain_tasks));
  }
  return taskfarm::bench::Run();
}
