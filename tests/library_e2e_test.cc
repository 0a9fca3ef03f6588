// End to end, the standard library of task kinds: one batch file with every
// kind (and the fault-injection kinds) runs through the real master, and
// each record carries the right status and a result known independently of
// taskfarm (published values, or what follows from the definition).

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

struct Expected {
  std::string line;    // as written in the batch file
  std::string status;  // "ok", "error", "crashed", "timeout"
  std::string result;  // exact result; empty: checked separately below
};

TEST(Library, AMixedBatchOfEveryKindGivesTheKnownResults) {
  const std::string dir = TempDir("library");
  WriteFile(dir + "/hello.txt", "hello taskfarm\n");
  const std::vector<Expected> expected = {
      {"fib 90", "ok", "2880067194370816120"},
      {"fibmod 100 1000000007", "ok", "687995182"},  // fib(100) mod 1e9+7
      {"primes 1000000", "ok", "78498"},              // pi(10^6)
      {"factor 600851475143", "ok", "71 * 839 * 1471 * 6857"},  // Euler 3
      {"collatz 27", "ok", "111"},
      {"sha256 abc", "ok",  // FIPS 180-2, appendix B.1
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"sha256file " + dir + "/hello.txt", "ok",  // sha256sum of the file
       "edf5db4784323d71905260a6cfada427fc372b3c41b691d70cd5cd896cee0c7f"},
      {"pi 100000 42", "ok", ""},
      // Tile (0, 0) lies at |c| > 2: all 64 x 64 pixels escape at once.
      {"mandelbrot 0 0 64 100", "ok", "inside=0 iterations=4096"},
      {"matmul 16 7", "ok", ""},
      {"exec echo hello world", "ok", "hello world"},
      {"exec sh -c 'echo oops >&2; exit 3'", "error",
       "exec: sh: exit 3; stderr: oops"},
      {"sleep 1", "ok", "slept 1 ms"},
      {"alloc 4", "ok", "allocated 4 MB"},
      {"fail bad input", "error", "bad input"},
      {"crash SIGSEGV", "crashed", "SIGSEGV"},
      {"exit 3", "crashed", "exit 3"},
      {"throw boom", "crashed", "throw: uncaught exception: boom"},
      {"hang", "timeout", ""},
  };
  std::string batch = "# every kind of the standard library\n";
  for (const Expected& e : expected) batch += e.line + "\n";
  WriteFile(dir + "/tasks.txt", batch);

  MasterRun run = RunMaster({"--workers=2", "--format=jsonl", "--retries=1",
                             "--timeout=1s", "--output=" + dir + "/out.jsonl",
                             dir + "/tasks.txt"});
  EXPECT_EQ(run.exit_code, 1) << "some tasks fail on purpose\n" << run.err;
  std::vector<nlohmann::json> records = ReadJsonl(dir + "/out.jsonl");
  ASSERT_EQ(records.size(), expected.size()) << run.err;
  std::map<uint64_t, nlohmann::json> by_id;
  for (const nlohmann::json& r : records) {
    by_id[r.at("id").get<uint64_t>()] = r;
  }
  ASSERT_EQ(by_id.size(), expected.size()) << "an id is missing or repeated";
  for (size_t id = 0; id < expected.size(); ++id) {
    const Expected& e = expected[id];
    const nlohmann::json& r = by_id.at(id);
    SCOPED_TRACE(e.line);
    EXPECT_EQ(r.at("status"), e.status) << r.dump();
    if (!e.result.empty()) {
      EXPECT_EQ(r.at("result"), e.result);
    }
  }
  // Monte Carlo: near pi, and the same for the same seed (checked by the
  // unit tests); 10^5 samples are within 0.02 with overwhelming odds.
  const double pi = std::stod(by_id.at(7).at("result").get<std::string>());
  EXPECT_NEAR(pi, M_PI, 0.02);
  // A sum of 256 products of numbers in [0, 1): finite and within range.
  const double sum = std::stod(by_id.at(9).at("result").get<std::string>());
  EXPECT_TRUE(std::isfinite(sum) && sum >= 0 && sum <= 16.0 * 16 * 16) << sum;
}

}  // namespace
}  // namespace taskfarm::testing
