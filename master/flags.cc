#include "master/flags.h"

#include <unistd.h>

#include <algorithm>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "master/dashboard/flags.h"
#include "master/remote_flags.h"

ABSL_FLAG(int, workers, -1, "compute workers (default: CPU count - 1, at least 1)");
ABSL_FLAG(std::string, worker_bin, "", "worker executable");
ABSL_FLAG(std::string, logger_bin, "", "logger executable");
ABSL_FLAG(std::string, tasks, "", "tasks given inline");
ABSL_FLAG(std::string, output, "", "output file");
ABSL_FLAG(std::string, format, "text", "output format");
ABSL_FLAG(absl::Duration, grace, absl::Seconds(5), "shutdown grace");
ABSL_FLAG(uint32_t, retries, 3, "strikes before quarantine");
ABSL_FLAG(absl::Duration, timeout, absl::ZeroDuration(), "per-task time limit");
ABSL_FLAG(absl::Duration, heartbeat, absl::Seconds(1), "heartbeat interval");
ABSL_FLAG(uint32_t, liveness, 3, "missed heartbeats before a worker is lost");
ABSL_FLAG(uint64_t, max_memory, 0, "memory a task may allocate, MB");
ABSL_FLAG(uint64_t, max_tasks_per_worker, 0, "recycle a worker after K tasks");
ABSL_FLAG(absl::Duration, restart_delay, absl::Milliseconds(100), "restart backoff start");
ABSL_FLAG(absl::Duration, restart_max_delay, absl::Seconds(5), "restart backoff cap");
ABSL_FLAG(uint32_t, crash_loop, 10, "deaths that make a crash loop");
ABSL_FLAG(absl::Duration, crash_loop_window, absl::Seconds(30), "crash loop window");
ABSL_FLAG(bool, fsync, false, "fdatasync before acknowledging records");
ABSL_FLAG(bool, resume, false, "continue a batch in --output");
ABSL_FLAG(std::string, stats_json, "", "write the summary as JSON");
ABSL_FLAG(std::string, results_dir, "", "directory for exec output files");
ABSL_FLAG(absl::Duration, batch_time, absl::Milliseconds(10), "target batch time");
ABSL_FLAG(uint32_t, window, 2, "batches a worker may hold");
ABSL_FLAG(uint32_t, max_batch, 1024, "largest batch");
ABSL_FLAG(std::string, halt, "never", "when to stop early");
ABSL_FLAG(bool, keep_order, false, "write results in task order");
ABSL_FLAG(uint64_t, reorder_window, 100000, "--keep-order buffer, in tasks");
ABSL_FLAG(bool, progress, false, "the progress line (default: if stderr is a terminal)");
ABSL_FLAG(bool, list_tasks, false, "list task kinds");
ABSL_FLAG(bool, version, false, "print the version");
ABSL_FLAG(bool, help, false, "print help");

namespace taskfarm::master {
namespace {

base::Duration ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

bool IsOurs(const absl::CommandLineFlag& flag) {
  return absl::StrContains(flag.Filename(), "master/flags.cc") ||
         IsRemoteFlag(flag) || dashboard::IsDashboardFlag(flag);
}

}  // namespace

std::string HelpText() {
  return absl::StrCat(R"(taskfarm: run a batch of tasks on every core, with crash isolation.

Usage:
  master [FLAGS] [FILE... | -]       tasks from files, or - for standard input
  master [FLAGS] --tasks='fib 30; fib 1..10'
  master                             runs a small demo batch

Task language, one task per line:
  KIND ARG...      e.g. "fib 30"; "#" starts a comment; blank lines are skipped
  A..B             an integer range: "fib 1..90" is 90 tasks (ranges in
                   several arguments give every combination)
  '...' "..."      quoting, for arguments with blanks ("\n", "\t", "\"" escapes)
Task ids count from 0 in input order after expansion. Bad input is reported
as FILE:LINE: message, and nothing runs.

Processes:
  --workers=K            compute workers (default: CPU count - 1, at least 1)
  --worker_bin=PATH      worker executable (default: beside the master; use it
                         to run a worker with your own task kinds)
  --logger_bin=PATH      logger executable
  --list-tasks           print the task kinds the worker offers, and exit

Output:
  --output=FILE          write records to FILE (default: standard output)
  --format=F             text (default), jsonl or csv
  --fsync                records are on disk before they count as written
  --resume               continue the batch in --output=FILE: skip the ids it
                         holds (same task list only; a torn last line is cut)
  --stats-json=FILE      write the end-of-batch summary as JSON
  --results-dir=DIR      exec tasks save their full stdout/stderr here

Batch runner:
  --keep-order           write records in task id order, as they stream; at
                         most --reorder-window tasks (default 100000) run
                         ahead of the lowest unfinished one
  --progress, --noprogress   a progress line on standard error: done/total,
                         %, tasks/s, ETA, failures, workers (default: when
                         standard error is a terminal)
  --halt=WHEN,COND       stop early, as in GNU Parallel: WHEN is now (abandon
                         running tasks) or soon (let them finish); COND is
                         fail=N, fail=N%, success=N or success=N% (of all
                         tasks); default never
  JSON lines             a line {"task":"fib","args":[30]} is a task too; the
                         two forms mix freely

Failures:
  --retries=K            strikes before a task is quarantined (default 3)
  --timeout=DURATION     per-task time limit, e.g. 30s (default: none)
  --heartbeat=DURATION   worker heartbeat interval (default 1s)
  --liveness=N           missed heartbeats before a worker is lost (default 3)
  --max-memory=MB        memory a task may allocate; beyond it the worker dies
                         and the task is reported oom (default: no limit)
  --max-tasks-per-worker=K   replace each worker after K tasks (default: never)
  --restart-delay=D      first restart delay after repeated quick deaths
                         (default 100ms; doubles each time)
  --restart-max-delay=D  cap of the restart delay (default 5s)
  --crash-loop=N         stop (exit 3) after N deaths with no task succeeding
  --crash-loop-window=D  ... within this window (default 10 in 30s)
  --grace=DURATION       on SIGINT/SIGTERM/SIGQUIT, let running tasks finish
                         this long (default 5s); a second signal stops at once

Scheduling (rarely needed; batching adapts to measured task time):
  --batch-time=D         target compute time of one batch (default 10ms)
  --window=N             batches a worker may hold (default 2)
  --max-batch=N          largest batch (default 1024)
)", RemoteHelpText(), dashboard::DashboardHelpText(), R"(
  --version, --help

Flag names take dashes or underscores. Durations: 500ms, 30s, 2m.
Exit codes: 0 all tasks ok, 1 some task not ok, 2 usage or input error,
3 crash loop, 4 output cannot be written, 128+N stopped by signal N.
)");
}

absl::StatusOr<Command> ParseCommandLine(int argc, char** argv) {
  Command cmd;
  std::vector<std::string> files;
  absl::flat_hash_set<std::string> given;  // flags set on the command line
  bool only_files = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_files || arg == "-" || !absl::StartsWith(arg, "-")) {
      files.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_files = true;
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    name = absl::StrReplaceAll(name, {{"-", "_"}});
    if (name == "h") name = "help";
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    bool negated = false;
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      negated = flag != nullptr && flag->IsOfType<bool>();
      if (!negated) flag = nullptr;
    }
    if (flag == nullptr || !IsOurs(*flag)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag ", arg, " (see --help)"));
    }
    if (flag->IsOfType<bool>() && !has_value) {
      value = negated ? "false" : "true";
    } else if (!has_value) {
      if (i + 1 == argc) {
        return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
      }
      value = argv[++i];
    }
    given.insert(std::string(flag->Name()));
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value for --", name, ": ", error));
    }
  }

  if (absl::GetFlag(FLAGS_help)) cmd.action = Command::kHelp;
  else if (absl::GetFlag(FLAGS_version)) cmd.action = Command::kVersion;
  else if (absl::GetFlag(FLAGS_list_tasks)) cmd.action = Command::kListTasks;

  FarmOptions& o = cmd.options;
  int workers = absl::GetFlag(FLAGS_workers);
  if (workers < 0) {
    workers = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  }
  o.workers = workers;
  o.worker_bin = absl::GetFlag(FLAGS_worker_bin);
  o.logger_bin = absl::GetFlag(FLAGS_logger_bin);
  // Relative paths are the user's: `bazel run` starts us elsewhere.
  std::string cwd;
  if (const char* dir = getenv("BUILD_WORKING_DIRECTORY")) cwd = dir;
  auto resolve = [&cwd](std::string path) {
    if (cwd.empty() || path.empty() || path == "-" || path[0] == '/') return path;
    return absl::StrCat(cwd, "/", path);
  };
  o.worker_bin = resolve(o.worker_bin);
  o.logger_bin = resolve(o.logger_bin);
  for (const std::string& f : files) {
    o.inputs.push_back({.path = resolve(f), .name = f});
  }
  if (std::string text = absl::GetFlag(FLAGS_tasks); !text.empty()) {
    o.inputs.push_back({.text = text, .is_text = true, .name = "--tasks"});
  }
  o.output = resolve(absl::GetFlag(FLAGS_output));
  std::optional<journal::Format> format = journal::ParseFormat(absl::GetFlag(FLAGS_format));
  if (!format) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--format=", absl::GetFlag(FLAGS_format), ": use text, jsonl or csv"));
  }
  o.format = *format;
  o.fsync = absl::GetFlag(FLAGS_fsync);
  o.resume = absl::GetFlag(FLAGS_resume);
  o.stats_json = resolve(absl::GetFlag(FLAGS_stats_json));
  o.summary = true;
  o.results_dir = resolve(absl::GetFlag(FLAGS_results_dir));
  o.retries = absl::GetFlag(FLAGS_retries);
  if (o.retries == 0) return absl::InvalidArgumentError("--retries must be >= 1");
  o.timeout = ToChrono(absl::GetFlag(FLAGS_timeout));
  o.heartbeat = ToChrono(absl::GetFlag(FLAGS_heartbeat));
  o.liveness = std::max<uint32_t>(1, absl::GetFlag(FLAGS_liveness));
  if (o.heartbeat < std::chrono::milliseconds(10)) {
    return absl::InvalidArgumentError("--heartbeat must be at least 10ms");
  }
  o.max_memory_mb = absl::GetFlag(FLAGS_max_memory);
  o.max_tasks_per_worker = absl::GetFlag(FLAGS_max_tasks_per_worker);
  o.restart.min_delay = ToChrono(absl::GetFlag(FLAGS_restart_delay));
  o.restart.max_delay = ToChrono(absl::GetFlag(FLAGS_restart_max_delay));
  o.crash_loop_deaths = absl::GetFlag(FLAGS_crash_loop);
  o.crash_loop_window = ToChrono(absl::GetFlag(FLAGS_crash_loop_window));
  o.grace = ToChrono(absl::GetFlag(FLAGS_grace));
  o.target_batch_time = ToChrono(absl::GetFlag(FLAGS_batch_time));
  o.window = std::max<uint32_t>(1, absl::GetFlag(FLAGS_window));
  absl::StatusOr<HaltPolicy> halt = HaltPolicy::Parse(absl::GetFlag(FLAGS_halt));
  if (!halt.ok()) return halt.status();
  o.halt = *halt;
  o.keep_order = absl::GetFlag(FLAGS_keep_order);
  o.reorder_window = std::max<uint64_t>(1, absl::GetFlag(FLAGS_reorder_window));
  o.progress = given.contains("progress") ? absl::GetFlag(FLAGS_progress)
                                           : isatty(STDERR_FILENO) == 1;
  o.max_batch = std::clamp<uint32_t>(absl::GetFlag(FLAGS_max_batch), 1, 65536);
  // Remote workers, keys, launcher; also checks --workers=0 (issue 6).
  if (absl::Status s = ParseRemoteFlags(&o); !s.ok()) return s;
  // The dashboard (master/dashboard/flags.h).
  if (absl::Status s = dashboard::ParseDashboardFlags(resolve, &o.dashboard); !s.ok()) {
    return s;
  }
  return cmd;
}

}  // namespace taskfarm::master
