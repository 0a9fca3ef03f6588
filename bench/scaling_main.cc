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

#include <unistd.h>

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
#include "bench/scale/batch_run.h"
#include "bench/scale/scaling_point.h"
#include "bench/scale/svg_chart.h"
#include "bench/scale/table_writer.h"

ABSL_FLAG(int, max_workers, 0, "largest W (default: 2 x cores)");
ABSL_FLAG(std::string, task, "primes 3000000", "the task, one line");
ABSL_FLAG(int, tasks, 200, "tasks per batch");
ABSL_FLAG(int, repeat, 3, "runs per W; the fastest is kept");
ABSL_FLAG(std::string, out, "scaling-out", "directory for scaling.csv and .svg");
ABSL_FLAG(std::string, master, "", "master executable (default: runfiles)");

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
  for (int r = 0; r < repeat; ++r) {
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
  return taskfarm::bench::Run();
}
