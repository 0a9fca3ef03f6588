// End to end: examples/custom_tasks:my_worker, a worker linking the standard
// task library plus two user-written kinds, run by the real master with
// --worker_bin over a batch mixing both.

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

std::string MyWorker() { return "--worker_bin=" + Runfile("examples/custom_tasks/my_worker"); }

TEST(CustomTasks, MasterRunsUserAndStandardKinds) {
  MasterRun run = RunMaster(
      {"--workers=2", "--format=jsonl", MyWorker(),
       "--tasks=gcd 12 18; wordcount 'the quick  brown fox'; fib 10; "
       "gcd 7 0..2; wordcount ''; primes 100; gcd 0 0"});
  ASSERT_EQ(run.exit_code, 1) << run.err;  // gcd 0 0 is an error
  std::string path = TempDir("custom") + "/out.jsonl";
  WriteFile(path, run.out);
  std::map<int64_t, nlohmann::json> by_id;
  for (const nlohmann::json& r : ReadJsonl(path)) {
    EXPECT_TRUE(by_id.emplace(r.at("id").get<int64_t>(), r).second) << r.dump();
  }
  const std::vector<std::pair<std::string, std::string>> want = {
      {"gcd", "6"}, {"wordcount", "4"}, {"fib", "55"},      {"gcd", "7"},
      {"gcd", "1"}, {"gcd", "1"},       {"wordcount", "0"}, {"primes", "25"},
      {"gcd", "gcd: 0 and 0 have none"}};
  ASSERT_EQ(by_id.size(), want.size()) << run.out;
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    const nlohmann::json& r = by_id.at(static_cast<int64_t>(i));
    EXPECT_EQ(r.at("task"), want[i].first);
    EXPECT_EQ(r.at("result"), want[i].second);
    EXPECT_EQ(r.at("status"), i + 1 == want.size() ? "error" : "ok");
  }
}

TEST(CustomTasks, ListTasksShowsUserKindsWithTheirDocs) {
  MasterRun run = RunMaster({"--list-tasks", MyWorker()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("the number of blank-separated words in TEXT"),
            std::string::npos) << run.out;
  EXPECT_NE(run.out.find("the greatest common divisor of A and B"),
            std::string::npos) << run.out;
  bool gcd = false, wordcount = false, fib = false;
  for (const std::string& line : Lines(run.out)) {
    gcd |= line.rfind("gcd ", 0) == 0 && line.find("uint uint") != std::string::npos;
    wordcount |= line.rfind("wordcount ", 0) == 0 && line.find("str") != std::string::npos;
    fib |= line.rfind("fib ", 0) == 0;
  }
  EXPECT_TRUE(gcd && wordcount && fib) << run.out;
}

TEST(CustomTasks, UserKindsAreCheckedLikeAnyOther) {
  MasterRun run = RunMaster({"--workers=1", MyWorker(), "--tasks=gcd 1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--tasks:1: gcd"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace taskfarm::testing
