// End to end, in this process: taskfarm::Farm (master/farm.h) runs real
// worker processes and delivers every result to a callback exactly once.
// The test process is the embedding program, so it also checks what Farm
// leaves behind: the signal mask and SIGPIPE as before, no children, no
// runtime directory.

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "master/farm.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

class FarmApi : public ::testing::Test {
 protected:
  void SetUp() override {
    tmpdir_ = ShortTempDir();  // runtime directories go here
    setenv("TMPDIR", tmpdir_.c_str(), 1);
  }
  void TearDown() override { std::filesystem::remove_all(tmpdir_); }

  FarmOptions Options(int workers) {
    return FarmOptions{.workers = workers, .worker_bin = Runfile("worker/worker")};
  }
  bool TmpdirEmpty() const { return std::filesystem::is_empty(tmpdir_); }

  std::string tmpdir_;
};

TEST_F(FarmApi, EveryTaskOnceWithItsFields) {
  Farm farm(Options(2));
  for (int n = 0; n < 300; ++n) farm.Submit("fib", {std::to_string(n)});
  farm.SubmitLine("primes 1000");
  farm.Submit("fail", {"two words; and a semicolon", "\"quoted\"\n"});
  std::map<uint64_t, Result> results;
  int code = farm.Run([&](const Result& r) {
    EXPECT_TRUE(results.emplace(r.id, r).second) << "twice: " << r.id;
  });
  EXPECT_EQ(code, 1);  // the fail task
  ASSERT_EQ(results.size(), 302u);
  for (uint64_t n = 0; n < 300; ++n) {
    const Result& r = results.at(n);
    EXPECT_EQ(r.task, "fib");
    EXPECT_EQ(r.args, std::vector<std::string>{std::to_string(n)});
    EXPECT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(r.result, Fib(n));
    EXPECT_GT(r.worker_pid, 0);
    EXPECT_EQ(r.attempts, 1u);
  }
  EXPECT_EQ(results.at(300).task, "primes");
  EXPECT_EQ(results.at(300).result, "168");
  const Result& fail = results.at(301);
  EXPECT_EQ(fail.status, "error");
  EXPECT_EQ(fail.args, (std::vector<std::string>{"two words; and a semicolon",
                                                 "\"quoted\"\n"}));
  EXPECT_NE(fail.result.find("two words; and a semicolon"), std::string::npos)
      << fail.result;
}

TEST_F(FarmApi, LeavesTheProcessAsItFoundIt) {
  sigset_t before, after;
  sigprocmask(SIG_SETMASK, nullptr, &before);
  struct sigaction pipe_before = {}, pipe_after = {};
  sigaction(SIGPIPE, nullptr, &pipe_before);

  Farm farm(Options(2));
  farm.SubmitLine("fib 0..99");
  int count = 0;
  EXPECT_EQ(farm.Run([&](const Result&) { ++count; }), 0);
  EXPECT_EQ(count, 100);

  sigprocmask(SIG_SETMASK, nullptr, &after);
  for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGCHLD}) {
    EXPECT_EQ(sigismember(&after, sig), sigismember(&before, sig)) << sig;
  }
  sigaction(SIGPIPE, nullptr, &pipe_after);
  EXPECT_EQ(pipe_after.sa_handler, pipe_before.sa_handler);
  EXPECT_TRUE(ChildrenOf(getpid()).empty());
  EXPECT_TRUE(TmpdirEmpty()) << "runtime directory left in " << tmpdir_;
}

TEST_F(FarmApi, RunsTwiceInOneProcess) {
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    Farm farm(Options(1));
    farm.Submit("fib", {"90"});
    std::string result;
    EXPECT_EQ(farm.Run([&](const Result& r) { result = r.result; }), 0);
    EXPECT_EQ(result, "2880067194370816120");
  }
}

TEST_F(FarmApi, NothingSubmittedRunsNothing) {
  Farm farm(Options(1));
  int count = 0;
  EXPECT_EQ(farm.Run([&](const Result&) { ++count; }), 0);
  EXPECT_EQ(count, 0);
  EXPECT_TRUE(TmpdirEmpty());
}

TEST_F(FarmApi, BadInputIsRefusedBeforeAnyTaskRuns) {
  Farm farm(Options(1));
  farm.Submit("fib", {"1"});
  farm.Submit("fbi", {"2"});
  farm.Submit("fib", {"x"});
  int count = 0;
  ::testing::internal::CaptureStderr();
  int code = farm.Run([&](const Result&) { ++count; });
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
  EXPECT_EQ(count, 0);
  EXPECT_NE(err.find("submitted:2: unknown task kind \"fbi\""), std::string::npos) << err;
  EXPECT_NE(err.find("submitted:3: fib"), std::string::npos) << err;
  EXPECT_TRUE(ChildrenOf(getpid()).empty());
}

TEST_F(FarmApi, OptionsOutOfRangeAreAUsageErrorAsOnTheCommandLine) {
  for (auto [field, set] : std::vector<std::pair<std::string, void (*)(FarmOptions&)>>{
           {"--retries=0", [](FarmOptions& o) { o.retries = 0; }},
           {"--window=0", [](FarmOptions& o) { o.window = 0; }},
           {"--workers=-1", [](FarmOptions& o) { o.workers = -1; }}}) {
    SCOPED_TRACE(field);
    FarmOptions options = Options(1);
    set(options);
    Farm farm(options);
    farm.Submit("fib", {"1"});
    int count = 0;
    ::testing::internal::CaptureStderr();
    int code = farm.Run([&](const Result&) { ++count; });
    std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(code, 2) << err;
    EXPECT_EQ(count, 0);
    EXPECT_NE(err.find("taskfarm: " + field + ": must be"), std::string::npos) << err;
    EXPECT_TRUE(ChildrenOf(getpid()).empty());
  }
}

TEST_F(FarmApi, MissingWorkerIsAUsageError) {
  FarmOptions options = Options(1);
  options.worker_bin = tmpdir_ + "/no-such-worker";
  Farm farm(options);
  farm.Submit("fib", {"1"});
  ::testing::internal::CaptureStderr();
  int code = farm.Run([](const Result&) {});
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2) << err;
  EXPECT_NE(err.find("--worker_bin=" + options.worker_bin + ": No such file or directory"),
            std::string::npos)
      << err;
  EXPECT_TRUE(ChildrenOf(getpid()).empty());
}

}  // namespace
}  // namespace taskfarm::testing
