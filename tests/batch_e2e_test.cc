// End to end, the batch runner's conveniences: JSON lines, --keep-order,
// --halt, --stats-json, exec with --results-dir, and the progress line as a
// person sees it in a terminal (tmux).

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

std::vector<nlohmann::json> Parse(const std::string& jsonl) {
  std::string path = TempDir("parse") + "/out.jsonl";
  WriteFile(path, jsonl);
  return ReadJsonl(path);
}

TEST(Batch, JsonLinesMixWithTheTaskLanguage) {
  std::string dir = TempDir("json");
  WriteFile(dir + "/tasks.txt",
            "{\"task\": \"fib\", \"args\": [30]}\n"
            "fib 31\n"
            "{\"task\":\"sha256\",\"args\":[\"a b\"]}\n"
            "{\"task\":\"fibmod\",\"args\":[1000000000000,1000000007]}\n");
  MasterRun run = RunMaster({"--workers=2", "--format=jsonl", "--keep-order", dir + "/tasks.txt"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<nlohmann::json> r = Parse(run.out);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].at("result"), "832040");
  EXPECT_EQ(r[1].at("result"), "1346269");
  EXPECT_EQ(r[2].at("args"), nlohmann::json::array({"a b"}));
  EXPECT_EQ(r[2].at("result"),
            "c8687a08aa5d6ed2044328fa6a697ab8e96dc34291e8c2034ae8c38e6fcc6d65");
  EXPECT_EQ(r[3].at("args"), nlohmann::json::array({1000000000000, 1000000007}));
}

TEST(Batch, BadJsonLinesAreReportedWithTheirLine) {
  std::string dir = TempDir("badjson");
  WriteFile(dir + "/tasks.txt",
            "fib 1\n{\"task\":\"fib\"\n{\"task\":\"fib\",\"args\":[\"x\"]}\n"
            "{\"args\":[1]}\n{\"task\":\"fib\",\"args\":[[1]]}\n");
  MasterRun run = RunMaster({"--workers=1", dir + "/tasks.txt"});
  EXPECT_EQ(run.exit_code, 2);
  const std::string f = dir + "/tasks.txt:";
  EXPECT_NE(run.err.find(f + "2: not valid JSON"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(f + "3: fib expects 1 integer argument, got \"x\""), std::string::npos);
  EXPECT_NE(run.err.find(f + "4: a JSON task needs \"task\""), std::string::npos);
  EXPECT_NE(run.err.find(f + "5: argument 1 is array"), std::string::npos) << run.err;
}

TEST(Batch, KeepOrderWritesIdsInOrderWhileStreaming) {
  // Slow tasks early, fast ones after: completion order differs from id
  // order, and a small window forces the reorder buffer to stay small.
  for (const char* window : {"5", "100000"}) {
    SCOPED_TRACE(window);
    MasterRun run = RunMaster({"--workers=3", "--format=jsonl", "--keep-order",
                               std::string("--reorder-window=") + window,
                               "--tasks=sleep 40; sleep 5; fib 0..300; sleep 30; fib 0..50"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::vector<nlohmann::json> r = Parse(run.out);
    ASSERT_EQ(r.size(), 355u);
    for (size_t i = 0; i < r.size(); ++i) ASSERT_EQ(r[i].at("id"), i);
  }
}

TEST(Batch, HaltNowStopsAtTheFirstFailure) {
  MasterRun run = RunMaster({"--workers=2", "--format=jsonl", "--halt=now,fail=1",
                             "--tasks=sleep 1..20; fail boom; sleep 100..300"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("--halt=now,fail=1: 1 failed"), std::string::npos) << run.err;
  std::vector<nlohmann::json> r = Parse(run.out);
  EXPECT_LT(r.size(), 100u);  // far from all 222
  bool failed = false;
  for (const auto& rec : r) failed |= rec.at("status") == "error";
  EXPECT_TRUE(failed);
}

TEST(Batch, HaltSoonLetsRunningTasksFinishAtAShare) {
  // 2 of 4 tasks fail = 50%: halt; below the share nothing happens.
  MasterRun below = RunMaster({"--workers=1", "--halt=soon,fail=60%",
                               "--tasks=fail a; fail b; fib 1; fib 2"});
  EXPECT_EQ(below.exit_code, 1);
  EXPECT_EQ(below.err.find("--halt"), std::string::npos) << below.err;
  MasterRun at = RunMaster({"--workers=1", "--halt=soon,fail=50%",
                            "--tasks=fail a; fail b; fib 1; fib 2"});
  EXPECT_EQ(at.exit_code, 1);
  EXPECT_NE(at.err.find("--halt=soon,fail=50%: 2 failed"), std::string::npos) << at.err;
  MasterRun count = RunMaster({"--workers=1", "--halt=soon,fail=2", "--format=jsonl",
                               "--tasks=fail a; fail b; sleep 1..200"});
  EXPECT_EQ(count.exit_code, 1);
  EXPECT_NE(count.err.find("--halt=soon,fail=2: 2 failed"), std::string::npos) << count.err;
  EXPECT_LT(Parse(count.out).size(), 202u);
}

TEST(Batch, HaltOnSuccessExitsZero) {
  MasterRun run = RunMaster({"--workers=2", "--halt=now,success=1", "--format=jsonl",
                             "--tasks=sleep 50; sleep 600000"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Parse(run.out).size(), 1u);
}

TEST(Batch, BadHaltSpecIsAUsageError) {
  EXPECT_EQ(RunMaster({"--halt=later,fail=1"}).exit_code, 2);
  EXPECT_EQ(RunMaster({"--halt=now,fail=0"}).exit_code, 2);
  EXPECT_EQ(RunMaster({"--halt=now,fail=150%"}).exit_code, 2);
}

TEST(Batch, StatsJsonSummarisesTheBatch) {
  std::string dir = TempDir("stats");
  MasterRun run = RunMaster({"--workers=2", "--stats-json=" + dir + "/s.json",
                             "--tasks=fib 1..100; fail x; crash SIGSEGV", "--retries=1",
                             "--output=" + dir + "/out.txt"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  nlohmann::json s = nlohmann::json::parse(ReadFile(dir + "/s.json"));
  EXPECT_EQ(s.at("total"), 102);
  EXPECT_EQ(s.at("reported"), 102);
  EXPECT_EQ(s.at("by_status").at("ok"), 100);
  EXPECT_EQ(s.at("by_status").at("error"), 1);
  EXPECT_EQ(s.at("by_status").at("crashed"), 1);
  EXPECT_EQ(s.at("exit_code"), 1);
  EXPECT_EQ(s.at("quarantined").size(), 1u);
  EXPECT_EQ(s.at("quarantined")[0].at("reason"), "SIGSEGV");
  uint64_t per_worker = 0;
  for (const auto& w : s.at("workers")) per_worker += w.at("tasks").get<uint64_t>();
  EXPECT_EQ(per_worker, 101u);  // the crash is counted by the master, not a worker
  EXPECT_GT(s.at("tasks_per_second").get<double>(), 0);
}

TEST(Batch, ExecSavesEveryAttemptInTheResultsDirectory) {
  std::string dir = TempDir("exec");
  MasterRun run = RunMaster({"--workers=1", "--format=jsonl", "--results-dir=" + dir,
                             "--tasks=exec sh -c 'echo out; echo err >&2'; exec false"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  std::vector<nlohmann::json> r = Parse(run.out);
  ASSERT_EQ(r.size(), 2u);
  std::map<int, nlohmann::json> by_id;
  for (const auto& x : r) by_id[x.at("id").get<int>()] = x;
  EXPECT_EQ(by_id[0].at("status"), "ok");
  EXPECT_EQ(by_id[0].at("result"), "out");
  EXPECT_EQ(by_id[1].at("status"), "error");
  EXPECT_EQ(ReadFile(dir + "/0.1.stdout"), "out\n");
  EXPECT_EQ(ReadFile(dir + "/0.1.stderr"), "err\n");
  EXPECT_TRUE(std::filesystem::exists(dir + "/1.1.stdout"));
}

// The progress line, read off a terminal as a person would see it.
TEST(Batch, ProgressLineInATerminalNeverGarblesTheRecords) {
  if (!std::filesystem::exists("/usr/bin/tmux")) GTEST_SKIP() << "no tmux";
  std::string dir = TempDir("tty");
  const std::string sock = "tf" + std::to_string(getpid());
  auto tmux = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/tmux", "-L", sock});
    Process p(args, dir);
    p.Wait(seconds(30));
    return p.out();
  };
  std::string command = MasterArgv({})[0] +
                        " --workers=2 --tasks='sleep 30; sleep 1..60' 2>&1; echo EXIT=$?";
  tmux({"new-session", "-d", "-x", "150", "-y", "40", command + "; sleep 600"});
  std::string screen;
  const std::regex bar(R"(\d+/61 +\d+% \[[=> ]+\] .*workers?)");
  ASSERT_TRUE(WaitFor([&] {
    screen = tmux({"capture-pane", "-p"});
    return std::regex_search(screen, bar);
  }, seconds(60))) << screen;
  ASSERT_TRUE(WaitFor([&] {
    screen = tmux({"capture-pane", "-p", "-S", "-100"});
    return screen.find("EXIT=") != std::string::npos;
  }, seconds(120))) << screen;
  tmux({"kill-server"});
  EXPECT_NE(screen.find("EXIT=0"), std::string::npos) << screen;
  EXPECT_NE(screen.find("61/61 100% [========"), std::string::npos) << screen;
  // Every line is a whole record, the progress line, or the summary.
  const std::regex record(R"(\[worker \d+\] #\d+ sleep\(\d+\) = slept \d+ ms  \(\d+ µs\))");
  int records = 0;
  for (const std::string& line : Lines(screen)) {
    if (line.rfind("[worker", 0) == 0) {
      EXPECT_TRUE(std::regex_match(line, record)) << "garbled: " << line;
      ++records;
    }
  }
  EXPECT_GE(records, 30);  // the screen's scrollback holds most of them
}

}  // namespace
}  // namespace taskfarm::testing
