// End to end: examples/embed, a program that runs a batch in-process with
// taskfarm::Farm, built and run for real. Every task must come back to its
// callback exactly once, with the right result.

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

// How many primes are <= n (a plain sieve).
int PrimeCount(int n) {
  std::vector<bool> composite(static_cast<size_t>(n) + 1);
  int count = 0;
  for (int i = 2; i <= n; ++i) {
    if (composite[static_cast<size_t>(i)]) continue;
    ++count;
    for (int j = 2 * i; j <= n; j += i) composite[static_cast<size_t>(j)] = true;
  }
  return count;
}

TEST(Embed, EveryResultArrivesOnceAndRight) {
  Process p({Runfile("examples/embed/embed")}, TempDir("embed"), "",
            {"TMPDIR=" + ShortTempDir()});
  std::optional<int> code = p.Wait(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << "embed did not exit in time";
  ASSERT_EQ(*code, 0) << p.err();

  // "ID TASK ARG -> STATUS RESULT"; ids 0..19 are fib 1..20, 20..30 are
  // primes 10..20.
  std::map<uint64_t, std::string> seen;
  for (const std::string& line : Lines(p.out())) {
    std::istringstream in(line);
    uint64_t id;
    std::string task, arg, arrow, status, result;
    ASSERT_TRUE(in >> id >> task >> arg >> arrow >> status >> result) << line;
    EXPECT_EQ(status, "ok") << line;
    EXPECT_TRUE(seen.emplace(id, line).second) << "twice: " << line;
    if (id < 20) {
      EXPECT_EQ(task, "fib");
      EXPECT_EQ(arg, std::to_string(id + 1));
      EXPECT_EQ(result, Fib(id + 1)) << line;
    } else {
      EXPECT_EQ(task, "primes");
      const int n = static_cast<int>(id) - 10;
      EXPECT_EQ(arg, std::to_string(n));
      EXPECT_EQ(result, std::to_string(PrimeCount(n))) << line;
    }
  }
  EXPECT_EQ(seen.size(), 31u) << p.out();
  if (!seen.empty()) {
    EXPECT_EQ(seen.rbegin()->first, 30u);
  }
  // No summary unless asked.
  EXPECT_EQ(p.err(), "");
}

}  // namespace
}  // namespace taskfarm::testing
