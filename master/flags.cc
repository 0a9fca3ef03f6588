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
#include "master/flag_checks.h"
#include "master/parallel_flags.h"
#include "master/dashboard/flags.h"
#include "master/remote_flags.h"
#include "master/template/input_groups.h"

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
ABSL_FLAG(bool, dry_run, false, "print the commands of a template, run nothing");
ABSL_FLAG(std::string, joblog, "", "GNU Parallel's job log");

namespace taskfarm::master {
namespace {

base::Duration ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

bool IsOurs(const absl::CommandLineFlag& flag) {
  return absl::StrContains(flag.Filename(), "master/flags.cc") ||
         IsRemoteFlag(flag) || dashboard::IsDashboardFlag(flag);
}

// Parses one flag word (and maybe the next) into the absl flags. Records
// its name in `given`.
absl::Status ParseFlag(const std::vector<std::string>& args, size_t* i,
                       absl::flat_hash_set<std::string>* given) {
  const std::string& arg = args[*i];
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
    if (*i + 1 == args.size()) {
      return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
    }
    value = args[++*i];
  }
  given->insert(std::string(flag->Name()));
  std::string error;
  if (!flag->ParseFrom(value, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value for --", name, ": ", error));
  }
  return absl::OkStatus();
}

// The words of the command line, split into flags (parsed), task files, or
// a command template and its sources.
struct Words {
  std::vector<std::string> files;
  std::vector<std::string> arg_files;  // -a FILE
  bool is_template = false;
  std::vector<std::string> command, sources;
};

absl::StatusOr<Words> SplitWords(const std::vector<std::string>& args,
                                 absl::flat_hash_set<std::string>* given) {
  Words w;
  const int cpus = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  bool dashdash = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (dashdash || arg == "-" || !absl::StartsWith(arg, "-")) {
      // The first word that is not a flag: a template if a source follows,
      // or if -a or -- came before it. Flags end there.
      auto first_separator = std::find_if(args.begin() + static_cast<ptrdiff_t>(i),
                                          args.end(), IsSourceSeparator);
      if (w.files.empty() && (dashdash || !w.arg_files.empty() ||
                              first_separator != args.end())) {
        w.is_template = true;
        w.command.assign(args.begin() + static_cast<ptrdiff_t>(i), first_separator);
        w.sources.assign(first_separator, args.end());
        if (w.command.empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "no command before ", w.sources.empty() ? "the end" : w.sources[0],
              ": write taskfarm [FLAGS] COMMAND [ARG...] ::: VALUE..."));
        }
        return w;
      }
      w.files.push_back(arg);
      continue;
    }
    if (arg == "--") {
      if (!w.files.empty()) {
        return absl::InvalidArgumentError(
            "-- comes before a command template, not after task files");
      }
      dashdash = true;
      continue;
    }
    absl::StatusOr<std::optional<ParallelFlag>> parallel =
        TranslateParallelFlag(args, &i, cpus);
    if (!parallel.ok()) return parallel.status();
    if (!parallel->has_value()) {
      if (absl::Status s = ParseFlag(args, &i, given); !s.ok()) return s;
      continue;
    }
    if ((*parallel)->arg_file) {
      if (!w.files.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "-a ", *(*parallel)->arg_file, " comes before the command, not after "
            "task files"));
      }
      w.arg_files.push_back(*(*parallel)->arg_file);
    }
    for (size_t f = 0; f < (*parallel)->flags.size(); ++f) {
      if (absl::Status s = ParseFlag((*parallel)->flags, &f, given); !s.ok()) {
        return s;
      }
    }
  }
  if (!w.arg_files.empty() || dashdash) {
    return absl::InvalidArgumentError(
        "no command: write taskfarm [FLAGS] -a FILE COMMAND [ARG...]");
  }
  return w;
}

}  // namespace

absl::StatusOr<Command> ParseCommandLine(int argc, char** argv) {
  Command cmd;
  absl::flat_hash_set<std::string> given;  // flags set on the command line
  absl::StatusOr<Words> words =
      SplitWords(std::vector<std::string>(argv + 1, argv + argc), &given);
  if (!words.ok()) return words.status();

  if (absl::GetFlag(FLAGS_help)) cmd.action = Command::kHelp;
  else if (absl::GetFlag(FLAGS_version)) cmd.action = Command::kVersion;
  else if (absl::GetFlag(FLAGS_list_tasks)) cmd.action = Command::kListTasks;

  FarmOptions& o = cmd.options;
  o.workers = absl::GetFlag(FLAGS_workers);
  if (!given.contains("workers")) {
    o.workers = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  }
  // Relative paths are the user's: `bazel run` starts us elsewhere.
  std::string cwd;
  if (const char* dir = getenv("BUILD_WORKING_DIRECTORY")) cwd = dir;
  auto resolve = [&cwd](std::string path) {
    if (cwd.empty() || path.empty() || path == "-" || path[0] == '/') return path;
    return absl::StrCat(cwd, "/", path);
  };
  o.worker_bin = resolve(absl::GetFlag(FLAGS_worker_bin));
  o.logger_bin = resolve(absl::GetFlag(FLAGS_logger_bin));
  for (const std::string& f : words->files) {
    o.inputs.push_back({.path = resolve(f), .name = f});
  }
  // Named, even if empty: --tasks='' is an empty batch, not the demo.
  if (given.contains("tasks")) {
    o.inputs.push_back({.text = absl::GetFlag(FLAGS_tasks), .is_text = true,
                        .name = "--tasks"});
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
  o.joblog = resolve(absl::GetFlag(FLAGS_joblog));
  o.retries = absl::GetFlag(FLAGS_retries);
  o.timeout = ToChrono(absl::GetFlag(FLAGS_timeout));
  o.heartbeat = ToChrono(absl::GetFlag(FLAGS_heartbeat));
  o.liveness = absl::GetFlag(FLAGS_liveness);
  o.max_memory_mb = absl::GetFlag(FLAGS_max_memory);
  o.max_tasks_per_worker = absl::GetFlag(FLAGS_max_tasks_per_worker);
  o.restart.min_delay = ToChrono(absl::GetFlag(FLAGS_restart_delay));
  o.restart.max_delay = ToChrono(absl::GetFlag(FLAGS_restart_max_delay));
  o.crash_loop_deaths = absl::GetFlag(FLAGS_crash_loop);
  o.crash_loop_window = ToChrono(absl::GetFlag(FLAGS_crash_loop_window));
  o.grace = ToChrono(absl::GetFlag(FLAGS_grace));
  o.target_batch_time = ToChrono(absl::GetFlag(FLAGS_batch_time));
  o.window = absl::GetFlag(FLAGS_window);
  absl::StatusOr<HaltPolicy> halt = HaltPolicy::Parse(absl::GetFlag(FLAGS_halt));
  if (!halt.ok()) return halt.status();
  o.halt = *halt;
  o.keep_order = absl::GetFlag(FLAGS_keep_order);
  o.reorder_window = absl::GetFlag(FLAGS_reorder_window);
  o.progress = given.contains("progress") ? absl::GetFlag(FLAGS_progress)
                                           : isatty(STDERR_FILENO) == 1;
  o.max_batch = absl::GetFlag(FLAGS_max_batch);
  // Remote workers, keys, launcher; also checks --workers=0 (issue 6).
  if (absl::Status s = ParseRemoteFlags(&o); !s.ok()) return s;
  // The dashboard (master/dashboard/flags.h).
  if (absl::Status s = dashboard::ParseDashboardFlags(resolve, &o.dashboard); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRanges(o, &cmd.warnings); !s.ok()) return s;

  cmd.dry_run = absl::GetFlag(FLAGS_dry_run);
  if (!words->is_template) {
    if (cmd.dry_run) {
      return absl::InvalidArgumentError(
          "--dry-run shows the jobs of a command template: taskfarm [FLAGS] "
          "--dry-run COMMAND [ARG...] ::: VALUE...");
    }
    return cmd;
  }
  if (given.contains("tasks")) {
    return absl::InvalidArgumentError(
        "--tasks and a command template do not go together");
  }
  // A template's jobs and files are the user's: run where they typed it.
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("cannot enter ", cwd));
  }
  absl::StatusOr<std::shared_ptr<const TemplateBatch>> batch =
      TemplateBatch::Create(words->command, words->sources, words->arg_files);
  if (!batch.ok()) return batch.status();
  if (!cmd.dry_run && (*batch)->command().uses_slot()) {
    return absl::InvalidArgumentError(
        "{%} (job slot) is only shown by --dry-run: taskfarm's workers take "
        "jobs as they free up and have no Parallel job slots; use {#}");
  }
  cmd.batch = *std::move(batch);
  o.inputs.push_back(cmd.batch->TaskLines());
  return cmd;
}

}  // namespace taskfarm::master
