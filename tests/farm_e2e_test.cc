// End to end: the real master, workers and logger on real batches; every
// record of the output is checked.

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/gate.h"

namespace taskfarm::testing {
namespace {

TEST(Farm, RunsFibOnOneTwoFourWorkers) {
  for (int workers : {1, 2, 4}) {
    SCOPED_TRACE(workers);
    std::string out = TempDir("fib") + "/out.jsonl";
    MasterRun run = RunMaster({"--workers=" + std::to_string(workers),
                               "--format=jsonl", "--output=" + out,
                               "--tasks=fib 0..2999"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(CheckFibOutput(ReadJsonl(out), 3000), "");
  }
}

TEST(Farm, ThreeWorkersShareTheIssueExample) {
  // The command of the issue, 5001 records from 3 different workers, after
  // barrier tasks that end only once three workers run them: the batch
  // cannot end unless all three got work, however fast one of them is.
  constexpr int kBarriers = Barrier::kTasksPerWorker * 3;
  Barrier barrier(TempDir("ex"), 3);
  MasterRun run = RunMaster(
      {"--workers=3", "--format=jsonl", "--tasks=" + barrier.Tasks() + "fib 0..5000"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string path = TempDir("ex") + "/out.jsonl";
  WriteFile(path, run.out);
  std::vector<nlohmann::json> fib;
  std::set<int64_t> barrier_pids, pids;
  for (nlohmann::json& r : ReadJsonl(path)) {
    const int64_t id = r.at("id").get<int64_t>();
    pids.insert(r.at("worker").get<int64_t>());
    if (id < kBarriers) {
      EXPECT_EQ(r.at("status"), "ok") << r.dump();
      barrier_pids.insert(r.at("worker").get<int64_t>());
      continue;
    }
    r["id"] = id - kBarriers;  // as if the fib tasks were alone
    fib.push_back(r);
  }
  EXPECT_EQ(CheckFibOutput(fib, 5001), "");
  EXPECT_EQ(barrier_pids.size(), 3u);
  EXPECT_EQ(pids.size(), 3u);
}

TEST(Farm, JsonlRecordsHaveEveryField) {
  MasterRun run = RunMaster({"--workers=1", "--format=jsonl", "--tasks=fib 17"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json r = nlohmann::json::parse(run.out);
  EXPECT_EQ(r.at("id"), 0);
  EXPECT_EQ(r.at("task"), "fib");
  EXPECT_EQ(r.at("args"), nlohmann::json::array({17}));
  EXPECT_EQ(r.at("status"), "ok");
  EXPECT_EQ(r.at("result"), "1597");
  EXPECT_GT(r.at("worker").get<int64_t>(), 0);
  EXPECT_EQ(r.at("attempts"), 1);
  EXPECT_TRUE(r.at("elapsed_us").is_number_unsigned());
}

TEST(Farm, TextFormatIsForPeople) {
  MasterRun run = RunMaster({"--workers=1", "--tasks=fib 17"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.rfind("[worker ", 0) == 0) << run.out;
  EXPECT_NE(run.out.find("] #0 fib(17) = 1597  ("), std::string::npos) << run.out;
}

TEST(Farm, CsvHasAHeaderAndOneRowPerTask) {
  MasterRun run = RunMaster({"--workers=2", "--format=csv", "--tasks=fib 0..99"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 101u);
  EXPECT_EQ(lines[0], "id,task,args,status,result,worker,attempts,elapsed_us");
  std::set<std::string> rows(lines.begin() + 1, lines.end());
  EXPECT_EQ(rows.size(), 100u);
  bool found = false;
  for (const std::string& l : lines) {
    if (l.rfind("90,fib,90,ok,2880067194370816120,", 0) == 0) found = true;
  }
  EXPECT_TRUE(found) << run.out;
}

TEST(Farm, TasksFromFilesAndStdinKeepInputOrder) {
  std::string dir = TempDir("files");
  WriteFile(dir + "/a.txt", "# two tasks\nfib 1\n\nfib 2  # trailing comment\n");
  WriteFile(dir + "/b.txt", "fib 3..5\n");
  WriteFile(dir + "/in.txt", "fib 6\n");
  MasterRun run = RunMaster({"--workers=2", "--format=jsonl", dir + "/a.txt", "-",
                             dir + "/b.txt"},
                            std::chrono::seconds(60), dir + "/in.txt");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  WriteFile(dir + "/out.jsonl", run.out);
  std::vector<std::pair<int, int>> got;  // id -> argument
  for (const auto& r : ReadJsonl(dir + "/out.jsonl")) {
    got.emplace_back(r.at("id").get<int>(), r.at("args").at(0).get<int>());
  }
  std::sort(got.begin(), got.end());
  std::vector<std::pair<int, int>> want = {{0, 1}, {1, 2}, {2, 6}, {3, 3}, {4, 4}, {5, 5}};
  EXPECT_EQ(got, want);
}

TEST(Farm, ATaskErrorIsReportedAndTheBatchGoesOn) {
  MasterRun run = RunMaster({"--workers=1", "--format=jsonl", "--tasks=fib 5; fib -1; fib 6"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  std::string path = TempDir("err") + "/out.jsonl";
  WriteFile(path, run.out);
  std::vector<nlohmann::json> records = ReadJsonl(path);
  ASSERT_EQ(records.size(), 3u);
  for (const auto& r : records) {
    if (r.at("id") == 1) {
      EXPECT_EQ(r.at("status"), "error");
      EXPECT_NE(r.at("result").get<std::string>().find("n must be >= 0"), std::string::npos);
    } else {
      EXPECT_EQ(r.at("status"), "ok");
    }
  }
}

TEST(Farm, BadInputIsReportedWithFileAndLineAndRunsNothing) {
  std::string dir = TempDir("bad");
  WriteFile(dir + "/tasks.txt",
            "fib 1\nfbi 2\nfib x\nfib 5..1\nfib\nfib 1 2\nfib 0..9999999999999\n");
  std::string out = dir + "/out.jsonl";
  WriteFile(out, "precious\n");
  MasterRun run = RunMaster({"--workers=1", "--format=jsonl", "--output=" + out,
                             dir + "/tasks.txt"});
  EXPECT_EQ(run.exit_code, 2);
  const std::string f = dir + "/tasks.txt";
  EXPECT_NE(run.err.find(f + ":2: unknown task kind \"fbi\" (did you mean \"fib\"?)"),
            std::string::npos) << run.err;
  EXPECT_NE(run.err.find(f + ":3: fib expects 1 integer argument, got \"x\""),
            std::string::npos) << run.err;
  EXPECT_NE(run.err.find(f + ":4: fib argument 1: empty range"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(f + ":5: fib expects 1 integer argument, got none"), std::string::npos);
  EXPECT_NE(run.err.find(f + ":6: fib expects 1 integer argument, got 2"), std::string::npos);
  EXPECT_NE(run.err.find(f + ":7: fib: the line stands for more than 2^40 tasks"),
            std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(f + ":1:"), std::string::npos);
  // Nothing ran, and the previous output is untouched.
  EXPECT_EQ(ReadFile(out), "precious\n");
}

TEST(Farm, UsageErrorsExitTwo) {
  EXPECT_EQ(RunMaster({"--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(RunMaster({"--format=xml"}).exit_code, 2);
  EXPECT_EQ(RunMaster({"--workers=1", "/no/such/file"}).exit_code, 2);
  EXPECT_EQ(RunMaster({"--workers=1", "--tasks=fib 1", "--output=/no/such/dir/x"}).exit_code, 2);
}

TEST(Farm, DemoRunsWithNoArguments) {
  MasterRun run = RunMaster({"--workers=2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("fib(90) = 2880067194370816120"), std::string::npos);
  EXPECT_NE(run.err.find("demo"), std::string::npos);
}

TEST(Farm, HelpDocumentsEveryFlag) {
  MasterRun run = RunMaster({"--help"});
  ASSERT_EQ(run.exit_code, 0);
  for (const char* flag :
       {"--workers", "--worker_bin", "--logger_bin", "--tasks", "--output", "--format",
        "--grace", "--retries", "--timeout", "--heartbeat", "--liveness",
        "--max-memory", "--max-tasks-per-worker", "--restart-delay",
        "--restart-max-delay", "--crash-loop", "--crash-loop-window", "--fsync",
        "--resume", "--stats-json", "--results-dir", "--batch-time", "--window",
        "--max-batch", "--list-tasks", "--version"}) {
    EXPECT_NE(run.out.find(flag), std::string::npos) << flag;
  }
}

TEST(Farm, ListTasksShowsTheLibrary) {
  MasterRun run = RunMaster({"--list-tasks"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* kind : {"fib", "crash", "hang", "alloc", "sleep", "fail"}) {
    EXPECT_NE(run.out.find(std::string("\n") + kind + " "), std::string::npos) << kind;
  }
}

}  // namespace
}  // namespace taskfarm::testing
