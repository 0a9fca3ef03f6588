// End to end: results do not wait for the rest of their batch. Twenty fast
// tasks, then one that blocks until the test opens a gate (a file), then
// ten more: all twenty results reach the output while the gate is still
// shut, whichever batches the master cut (issue 10, item 14).

#include <string>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

TEST(Flush, ResultsAreWrittenWhileALaterTaskOfTheirBatchRuns) {
  const std::string dir = TempDir("flush");
  const std::string out = dir + "/out.jsonl";
  const std::string gate = dir + "/gate";
  Process master(
      MasterArgv({"--workers=1", "--format=jsonl", "--output=" + out,
                  "--tasks=fib 1..20; exec sh -c 'while [ ! -e " + gate +
                      " ]; do sleep 0.01; done'; fib 21..30"}),
      dir);
  const bool twenty = WaitFor(
      [&] { return Lines(ReadFile(out)).size() >= 20; }, seconds(30));
  const size_t written = Lines(ReadFile(out)).size();
  WriteFile(gate, "");  // let the batch finish either way
  ASSERT_TRUE(twenty) << written << " results written while a later task of "
                      << "their batch ran\n" << master.err();
  EXPECT_EQ(written, 20u) << "the gated task or its successors ran too soon";
  ASSERT_EQ(master.Wait(seconds(60)), 0) << master.err();
  EXPECT_EQ(ReadJsonl(out).size(), 31u);
}

}  // namespace
}  // namespace taskfarm::testing
