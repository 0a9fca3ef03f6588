// Tests of master::Stats's summary (issue 10 item 23): it says what was
// written, what was computed and lost to the error that stopped the batch,
// and what never ran; a batch that stopped before the input was read does
// not claim "0 of 0".

#include "master/stats.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace taskfarm::master {
namespace {

std::string Summary(const Stats& stats, const std::string& outcome) {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  stats.PrintSummary(out, 0, outcome);
  std::fclose(out);
  std::string s(text, size);
  std::free(text);
  return s;
}

proto::Results Ok(uint32_t n) {
  proto::Results r{1, 0, n, 10, {}};
  r.by_status[0] = n;
  return r;
}

TEST(Stats, SummarySaysWhatWasWritten) {
  Stats stats;
  stats.SetTotal(5);
  stats.AddResults(Ok(5), 1, "h", 42);
  stats.SetWritten(5);
  const std::string s = Summary(stats, "done");
  EXPECT_NE(s.find("tasks     5 of 5 written: 5 ok"), std::string::npos) << s;
  EXPECT_EQ(s.find("not written"), std::string::npos) << s;
  EXPECT_EQ(s.find("never reported"), std::string::npos) << s;
}

TEST(Stats, SummarySaysWhatWasLostToTheError) {
  Stats stats;
  stats.SetTotal(3000);
  stats.AddResults(Ok(2753), 1, "h", 42);
  stats.SetWritten(412);
  const std::string s = Summary(stats, "the output cannot be written");
  EXPECT_NE(s.find("412 of 3000 written"), std::string::npos) << s;
  EXPECT_NE(s.find("2341 computed but not written"), std::string::npos) << s;
  EXPECT_NE(s.find("247 never reported"), std::string::npos) << s;
}

TEST(Stats, SummaryOfABatchStoppedBeforeTheInputWasReadSaysNoneRan) {
  Stats stats;
  const std::string s = Summary(stats, "crash loop (last: worker 7: exit 1)");
  EXPECT_EQ(s.find("0 of 0"), std::string::npos) << s;
  EXPECT_NE(s.find("none run"), std::string::npos) << s;
}

TEST(Stats, SummaryCountsAlreadyWrittenIdsOfAResume) {
  Stats stats;
  stats.SetTotal(10);
  stats.SetSkipped(4);
  stats.AddResults(Ok(6), 1, "h", 42);
  stats.SetWritten(6);
  const std::string s = Summary(stats, "done");
  EXPECT_NE(s.find("10 of 10 written (4 already in the output)"), std::string::npos) << s;
}

TEST(Stats, DurationsFallInPowersOfTwoOfMicroseconds) {
  Stats stats;
  DurationHistogram d;
  for (uint64_t us : {0, 0, 1, 2, 1000, 1000, 1024, 1025}) d.Add(us);
  stats.AddResults(Ok(8), 1, "h", 42, {}, &d);
  EXPECT_EQ(stats.durations().counts()[0], 3u);   // up to 1 µs
  EXPECT_EQ(stats.durations().counts()[1], 1u);   // (1, 2]
  EXPECT_EQ(stats.durations().counts()[10], 3u);  // (512, 1024]
  EXPECT_EQ(stats.durations().counts()[11], 1u);  // (1024, 2048]
  EXPECT_EQ(stats.durations().count(), 8u);
  EXPECT_EQ(stats.durations().sum_us(), 4052u);
}

}  // namespace
}  // namespace taskfarm::master
