// The master's command line: every flag's bad values are refused with a
// message naming the flag (exit 2 in main), GNU Parallel's spellings mean
// what they mean there, Parallel's unsupported flags are refused by name,
// and the words after the flags are told apart as task files or a command
// template by a fixed rule.

#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "master/flag_checks.h"
#include "master/flags.h"
#include "master/parallel_flags.h"

namespace taskfarm::master {
namespace {

absl::StatusOr<Command> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "taskfarm");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

struct BadRow {
  std::vector<std::string> args;
  std::string says;  // the message must contain this
};

TEST(Flags, EveryBadValueIsRefusedNamingTheFlag) {
  const std::vector<BadRow> rows = {
      {{"--workers=-3"}, "--workers=-3: must be >= 0"},
      {{"--workers=100000000"}, "more than this machine can run: at most"},
      {{"-j", "0"}, "-j 0"},
      {{"-j", "x"}, "-j x"},
      {{"--jobs=-"}, "-j -"},
      {{"--timeout=-1s"}, "--timeout=-1s: must be >= 0"},
      {{"--timeout", "-1"}, "--timeout=-1s"},
      {{"--timeout=50%"}, "percentage"},
      {{"--heartbeat=5ms"}, "--heartbeat=5ms"},
      {{"--heartbeat=2h"}, "--heartbeat=2h"},
      {{"--liveness=0"}, "--liveness=0"},
      {{"--liveness=1", "--heartbeat=10ms"}, "--liveness=1"},
      {{"--liveness=2", "--heartbeat=10ms"}, "at least 200ms"},
      {{"--max-batch=0"}, "--max-batch=0"},
      {{"--max-batch=70000"}, "--max-batch=70000"},
      {{"--batch-time=0"}, "--batch-time=0"},
      {{"--batch-time=-5ms"}, "--batch-time=-5ms"},
      {{"--batch-time=2m"}, "--batch-time=2m"},
      {{"--window=0"}, "--window=0"},
      {{"--window=65"}, "--window=65"},
      {{"--restart-delay=-1s"}, "--restart-delay=-1s"},
      {{"--restart-delay=1s", "--restart-max-delay=1ms"}, "--restart-max-delay=1ms"},
      {{"--crash-loop-window=0"}, "--crash-loop-window=0"},
      {{"--grace=-1s"}, "--grace=-1s"},
      {{"--retries=0"}, "--retries=0"},
      {{"--retries=5000"}, "--retries=5000"},
      {{"--retries=-1"}, "bad value for --retries"},
      {{"--max-memory=1"}, "--max-memory=1"},
      {{"--reorder-window=0"}, "--reorder-window=0"},
      {{"--startup-timeout=-1s"}, "--startup-timeout=-1s"},
      {{"--worker-master-timeout=0"}, "--worker-master-timeout=0"},
      {{"--procs-per-node=-1"}, "--procs-per-node=-1"},
      {{"--launcher=slurm", "--nodes=0"}, "--nodes"},
      {{"--worker_bin=/tmp"}, "--worker_bin=/tmp: a directory"},
      {{"--logger_bin=/no/such/logger"}, "--logger_bin=/no/such/logger"},
      {{"--format=xml"}, "--format=xml"},
      {{"--halt=sometimes"}, "halt"},
      {{"--bogus"}, "unknown flag --bogus"},
      {{"--tag", "echo", ":::", "a"}, "GNU Parallel's --tag is not supported"},
      {{"--pipe", "wc"}, "--pipe"},
      {{"-X", "echo", ":::", "a"}, "GNU Parallel's -X"},
      {{"-q", "echo", ":::", "a"}, "GNU Parallel's -q"},
      {{"--dry-run", "tasks.txt"}, "--dry-run shows the jobs of a command template"},
      {{":::", "a"}, "no command before :::"},
      {{"-a", "values.txt"}, "no command"},
      {{"echo", "{2}", ":::", "a"}, "names input source 2"},
      {{"--tasks=fib 1", "echo", ":::", "a"}, "--tasks and a command template"},
      {{"echo", "{%}", ":::", "a"}, "{%}"},
      {{"echo", "{=uc=}", ":::", "a"}, "Perl"},
      {{"echo", ":::+", "a"}, ":::+ links"},
  };
  for (const BadRow& row : rows) {
    SCOPED_TRACE(absl::StrJoin(row.args, " "));
    absl::FlagSaver restore;  // flags are global: each row starts afresh
    absl::StatusOr<Command> cmd = Parse(row.args);
    ASSERT_FALSE(cmd.ok());
    EXPECT_EQ(cmd.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(cmd.status().message().find(row.says), absl::string_view::npos)
        << cmd.status().message();
  }
}

TEST(Flags, WorkerLimitNamesTheLimit) {
  const WorkerLimit limit = MaxWorkers();
  EXPECT_GT(limit.max_workers, 0);
  EXPECT_NE(limit.reason.find("limit"), std::string::npos) << limit.reason;
}

TEST(Flags, ZeroCrashLoopMeansNever) {
  absl::FlagSaver restore;
  absl::StatusOr<Command> cmd = Parse({"--crash-loop=0"});
  ASSERT_TRUE(cmd.ok()) << cmd.status();
  EXPECT_EQ(cmd->options.crash_loop_deaths, 0u);
}

TEST(Flags, MoreWorkersThanCpusIsAWarning) {
  absl::FlagSaver restore;
  absl::StatusOr<Command> cmd = Parse({"--workers=64"});
  ASSERT_TRUE(cmd.ok()) << cmd.status();
  ASSERT_EQ(cmd->warnings.size(), 1u);
  EXPECT_NE(cmd->warnings[0].find("CPUs"), std::string::npos);
}

TEST(Flags, ParallelSpellingsMeanTheSame) {
  absl::FlagSaver restore;
  absl::StatusOr<Command> cmd =
      Parse({"-j", "3", "-k", "--bar", "--will-cite", "--timeout", "2.5",
             "--results", "res", "--joblog", "jl", "--halt", "now,fail=1",
             "echo", "-j", "9", ":::", "a"});
  ASSERT_TRUE(cmd.ok()) << cmd.status();
  EXPECT_EQ(cmd->options.workers, 3);  // the command's own -j 9 is its own
  EXPECT_TRUE(cmd->options.keep_order);
  EXPECT_TRUE(cmd->options.progress);
  EXPECT_EQ(cmd->options.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(cmd->options.results_dir, "res");
  EXPECT_EQ(cmd->options.joblog, "jl");
  ASSERT_NE(cmd->batch, nullptr);
  EXPECT_EQ(cmd->batch->job_count(), 1u);
  EXPECT_EQ(ParseJobs("50%", 8).value(), 4);
  EXPECT_EQ(ParseJobs("+2", 8).value(), 10);
  EXPECT_EQ(ParseJobs("-3", 8).value(), 5);
  EXPECT_EQ(ParseJobs("-30", 8).value(), 1);
  EXPECT_EQ(ParseJobs("-j4", 8).ok(), false);
}

TEST(Flags, WordsAreTaskFilesUnlessASourceFollowsOrDashDashOrA) {
  {
    absl::FlagSaver restore;
    absl::StatusOr<Command> cmd = Parse({"a.txt", "--workers=1", "b.txt"});
    ASSERT_TRUE(cmd.ok()) << cmd.status();
    EXPECT_EQ(cmd->batch, nullptr);
    ASSERT_EQ(cmd->options.inputs.size(), 2u);
    EXPECT_EQ(cmd->options.inputs[1].path, "b.txt");
  }
  {
    absl::FlagSaver restore;
    // Flags end at the command: --workers=5 is echo's.
    absl::StatusOr<Command> cmd = Parse({"echo", "--workers=5", ":::", "a"});
    ASSERT_TRUE(cmd.ok()) << cmd.status();
    ASSERT_NE(cmd->batch, nullptr);
    EXPECT_NE(cmd->options.workers, 5);
  }
  {
    absl::FlagSaver restore;
    absl::StatusOr<Command> cmd = Parse({"a.txt", "-a", "v"});
    ASSERT_FALSE(cmd.ok());
  }
}

TEST(Flags, NamedEmptyTasksIsAnEmptyInputNotTheDemo) {
  absl::FlagSaver restore;
  absl::StatusOr<Command> cmd = Parse({"--tasks="});
  ASSERT_TRUE(cmd.ok()) << cmd.status();
  ASSERT_EQ(cmd->options.inputs.size(), 1u);
  EXPECT_TRUE(cmd->options.inputs[0].is_text);
  EXPECT_EQ(cmd->options.inputs[0].text, "");
}

}  // namespace
}  // namespace taskfarm::master
