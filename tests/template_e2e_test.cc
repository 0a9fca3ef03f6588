// Command templates run for real: files compressed and checked byte for
// byte, failing jobs' exit codes and stderr, a worker killed in the middle
// of a job, --resume after the master is killed (the kill driven by the
// output's progress), a joblog read back the way scripts read Parallel's,
// values from a pipe, and --dry-run running nothing.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

namespace fs = std::filesystem;

// Each test runs in a fresh directory: jobs' relative paths land there.
std::string EnterTempDir(const std::string& name) {
  const std::string dir = TempDir(name);
  EXPECT_EQ(chdir(dir.c_str()), 0);
  return dir;
}

std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), p)) > 0) out.append(buffer, n);
  pclose(p);
  return out;
}

TEST(TemplateE2e, CompressesFilesWithAwkwardNames) {
  EnterTempDir("gzip");
  const std::vector<std::string> names = {
      "plain.log", "with space.log", "it's.log", "$HOME.log", "*.log",
      "d\xc3\xa9j\xc3\xa0.tar.log", "no-extension", "-dash.log", "a\"b.log"};
  std::vector<std::string> args = {"-j", "2", "--format=jsonl", "--output=out.jsonl",
                                   "gzip", "-k", "--", "{}", ":::"};
  for (size_t i = 0; i < names.size(); ++i) {
    WriteFile(names[i], std::string(1000 + i * 37, static_cast<char>('a' + i)));
    args.push_back(names[i]);
  }
  MasterRun run = RunMaster(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ReadJsonl("out.jsonl").size(), names.size());
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(fs::exists(name + ".gz"));
    EXPECT_EQ(Shell("gzip -dc -- '" + std::string(name == "it's.log" ? "it'\\''s.log" : name) + ".gz'"),
              ReadFile(name));
  }
}

TEST(TemplateE2e, FailingJobsReportTheirExitCodeAndStderr) {
  EnterTempDir("fail");
  MasterRun run = RunMaster({"--format=jsonl", "--output=out.jsonl", "sh", "-c",
                             "echo out {}; echo err {} >&2; exit {}", ":::", "0", "3", "7"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  std::map<uint64_t, nlohmann::json> by_id;
  for (const nlohmann::json& r : ReadJsonl("out.jsonl")) by_id[r["id"]] = r;
  ASSERT_EQ(by_id.size(), 3u);
  EXPECT_EQ(by_id[0]["status"], "ok");
  EXPECT_EQ(by_id[0]["result"], "out 0");
  EXPECT_EQ(by_id[1]["status"], "error");
  EXPECT_EQ(by_id[1]["result"], "exec: sh: exit 3; stderr: err 3");
  EXPECT_EQ(by_id[2]["result"], "exec: sh: exit 7; stderr: err 7");
}

TEST(TemplateE2e, AWorkerKilledMidJobCostsNothing) {
  EnterTempDir("kill");
  // Every job says it started, then waits for "go": the test kills a worker
  // while its job runs, then lets the batch finish.
  Process master(MasterArgv({"-j", "2", "--format=jsonl", "--output=out.jsonl",
                             "sh", "-c",
                             "touch started.{#}; while [ ! -e go ]; do sleep 0.01; done; echo {}",
                             ":::", "a", "b", "c", "d", "e", "f"}),
                 fs::current_path().string());
  ASSERT_TRUE(WaitFor([] { return fs::exists("started.1") || fs::exists("started.2"); },
                      std::chrono::seconds(30)));
  std::vector<pid_t> workers;
  ASSERT_TRUE(WaitFor(
      [&] {
        workers.clear();
        for (pid_t p : ChildrenOf(master.pid())) {
          if (CommandName(p) == "worker") workers.push_back(p);
        }
        return workers.size() == 2;
      },
      std::chrono::seconds(30)));
  kill(workers[0], SIGKILL);
  WriteFile("go", "");
  ASSERT_EQ(master.Wait(std::chrono::seconds(60)), 0) << master.err();
  std::vector<nlohmann::json> records = ReadJsonl("out.jsonl");
  std::set<std::string> results;
  int retried = 0;
  for (const nlohmann::json& r : records) {
    EXPECT_EQ(r["status"], "ok");
    results.insert(r["result"].get<std::string>());
    if (r["attempts"] != 1) ++retried;
  }
  EXPECT_EQ(records.size(), 6u);
  EXPECT_EQ(results, (std::set<std::string>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(retried, 1);  // the job the dead worker was running
}

TEST(TemplateE2e, ResumeAfterTheMasterIsKilledRunsEachJobOnce) {
  EnterTempDir("resume");
  std::vector<std::string> values;
  for (int i = 0; i < 100; ++i) values.push_back("v" + std::to_string(i));
  // Jobs from 41 on wait for "go", so the master is surely mid-batch when
  // the output holds 30 records; every run of a job is logged in ran.log.
  std::vector<std::string> args = {
      "-j", "2", "--format=jsonl", "--output=out.jsonl", "sh", "-c",
      "echo {#} >> ran.log; if [ {#} -gt 40 ]; then while [ ! -e go ]; do "
      "sleep 0.01; done; fi; echo {}",
      ":::"};
  args.insert(args.end(), values.begin(), values.end());
  {
    Process master(MasterArgv(args), fs::current_path().string());
    ASSERT_TRUE(WaitFor([] { return Lines(ReadFile("out.jsonl")).size() >= 30; },
                        std::chrono::seconds(60)));
    master.Signal(SIGKILL);
    master.Wait(std::chrono::seconds(30));
  }
  std::set<uint64_t> before;
  for (const nlohmann::json& r : ReadJsonl("out.jsonl")) before.insert(r["id"].get<uint64_t>());
  ASSERT_GE(before.size(), 30u);
  ASSERT_LT(before.size(), values.size());

  // A different list is refused: resume is keyed by the jobs' content.
  std::vector<std::string> other = args;
  other.back() = ":::";
  other.push_back("changed");
  other.insert(other.begin(), "--resume");
  EXPECT_EQ(RunMaster(other).exit_code, 2);

  WriteFile("go", "");
  args.insert(args.begin(), "--resume");
  MasterRun resumed = RunMaster(args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  std::map<uint64_t, int> seen;
  for (const nlohmann::json& r : ReadJsonl("out.jsonl")) {
    ++seen[r["id"].get<uint64_t>()];
    EXPECT_EQ(r["result"], values[r["id"].get<uint64_t>()]);
  }
  EXPECT_EQ(seen.size(), values.size());
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << "id " << id;
  // Jobs written before the kill never ran again.
  std::map<uint64_t, int> runs;
  for (const std::string& line : Lines(ReadFile("ran.log"))) ++runs[std::stoull(line) - 1];
  for (uint64_t id : before) EXPECT_EQ(runs[id], 1) << "id " << id;
}

TEST(TemplateE2e, JoblogReadsBackWithAwkAsParallelsDoes) {
  EnterTempDir("joblog");
  MasterRun run = RunMaster({"-j", "2", "--joblog", "jobs.log", "--output=out.txt",
                             "sh", "-c", "exit {}", ":::", "0", "1", "0", "42", "0"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // The kind of line people keep in their scripts for Parallel's joblog.
  EXPECT_EQ(Shell("awk -F'\\t' 'NR > 1 && $7 != 0 { print $1, $7 }' jobs.log | sort -n"),
            "2 1\n4 42\n");
  EXPECT_EQ(Shell("head -1 jobs.log"),
            "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n");
  EXPECT_EQ(Shell("awk -F'\\t' 'NR > 1 { n++ } END { print n }' jobs.log"), "5\n");
  EXPECT_EQ(Shell("awk -F'\\t' '$1 == 4 { print $9 }' jobs.log"), "sh -c 'exit 42'\n");
}

TEST(TemplateE2e, ValuesFromAPipeAreReadOnce) {
  EnterTempDir("pipe");
  // Standard input is a pipe: it can be read only once.
  const std::string status = Shell(
      "printf 'x y\\nz\\n' | '" + MasterArgv({})[0] +
      "' --format=jsonl --output=out.jsonl --keep-order echo '[{}]' :::: - "
      "2>/dev/null; echo $?");
  ASSERT_EQ(status, "0\n");
  std::vector<nlohmann::json> records = ReadJsonl("out.jsonl");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["result"], "[x y]");
  EXPECT_EQ(records[1]["result"], "[z]");
}

TEST(TemplateE2e, ResultsDirIsMadeAsParallelMakesIt) {
  EnterTempDir("results");
  MasterRun run = RunMaster({"--results", "res/sub", "--output=out.txt", "sh", "-c",
                             "echo out {}; echo err {} >&2", ":::", "a"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ReadFile("res/sub/0.1.stdout"), "out a\n");
  EXPECT_EQ(ReadFile("res/sub/0.1.stderr"), "err a\n");
  WriteFile("plain", "");
  EXPECT_EQ(RunMaster({"--results", "plain", "echo", ":::", "a"}).exit_code, 2);
}

TEST(TemplateE2e, DryRunRunsNothing) {
  EnterTempDir("dry");
  MasterRun run = RunMaster({"--dry-run", "touch", "{}.made", ":::", "a", "b c"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "touch a.made\ntouch 'b c'.made\n");
  EXPECT_FALSE(fs::exists("a.made"));
}

}  // namespace
}  // namespace taskfarm::testing
