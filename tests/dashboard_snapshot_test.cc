// Tests of what the dashboard's snapshot is made of: what Stats keeps for
// it (failures with their messages, bytes), the one task-duration
// histogram (master/durations.h) the summary and /metrics share, and the
// ViewBuilder's own memory (throughput history, rate, ETA). Time is passed
// in, so nothing here waits.

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "master/dashboard/dashboard.h"
#include "master/dashboard/view_builder.h"
#include "master/durations.h"
#include "master/stats.h"
#include "proto/batch.h"
#include "tests/testutil/http.h"

namespace taskfarm::master::dashboard {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A records frame of `n` tasks from `first_id`; every `fail_every`-th one
// (0: none) failed with a message naming it.
std::string Records(uint64_t first_id, uint32_t n, uint32_t fail_every,
                    proto::Results* header) {
  proto::RecordWriter w;
  *header = proto::Results{.batch_id = 1, .offset = 0, .count = n,
                           .elapsed_us = uint64_t{n} * 50};
  for (uint32_t i = 0; i < n; ++i) {
    const bool fail = fail_every != 0 && i % fail_every == 0;
    const std::string message = fail ? absl::StrCat("task ", first_id + i, " failed") : "ok";
    std::vector<proto::Value> args = {absl::string_view("a b"), uint64_t{i}};
    w.Add(first_id + i, "fail", args, fail ? proto::TaskStatus::kError : proto::TaskStatus::kOk,
          message, 4711, 1, 50);
    ++header->by_status[fail ? 1 : 0];
  }
  return std::string(w.Finish());
}

TEST(StatsFailures, KeptWithTheirMessagesOnlyWhenAsked) {
  Stats off;
  proto::Results r;
  std::string frame = Records(0, 10, 5, &r);
  off.AddResults(r, 1, "h", 4711, frame);
  EXPECT_TRUE(off.failures().empty());
  EXPECT_EQ(off.not_ok(), 2u);

  Stats on;
  on.KeepFailures(true);
  on.AddResults(r, 1, "h", 4711, frame);
  ASSERT_EQ(on.failures().size(), 2u);
  const Failure& f = *on.failures()[1];
  EXPECT_EQ(f.id, 5u);
  EXPECT_EQ(f.task, "fail \"a b\" 5");
  EXPECT_EQ(f.status, proto::TaskStatus::kError);
  EXPECT_EQ(f.message, "task 5 failed");
  EXPECT_EQ(f.pid, 4711);
  EXPECT_FALSE(f.quarantined);
}

TEST(StatsFailures, BoundedToTheNewest) {
  Stats stats;
  stats.KeepFailures(true);
  for (uint64_t batch = 0; batch < 30; ++batch) {
    proto::Results r;
    std::string frame = Records(batch * 10, 10, 1, &r);  // all fail
    stats.AddResults(r, 1, "h", 1, frame);
  }
  EXPECT_EQ(stats.failures_total(), 300u);
  ASSERT_EQ(stats.failures().size(), Stats::kMaxFailures);
  EXPECT_EQ(stats.failures().back()->id, 299u);
  EXPECT_EQ(stats.failures().front()->id, 300u - Stats::kMaxFailures);
}

TEST(StatsFailures, QuarantinedTasksAreFailuresToo) {
  Stats stats;
  stats.KeepFailures(true);
  stats.AddQuarantined({42, "crash SIGSEGV", proto::TaskStatus::kCrashed, "SIGSEGV", 3});
  ASSERT_EQ(stats.failures().size(), 1u);
  EXPECT_TRUE(stats.failures()[0]->quarantined);
  EXPECT_EQ(stats.failures()[0]->task, "crash SIGSEGV");
  EXPECT_EQ(stats.failures()[0]->message, "SIGSEGV");
  EXPECT_EQ(stats.failures()[0]->attempts, 3u);
}

TEST(StatsFailures, MalformedRecordsFrameKeepsNone) {
  Stats stats;
  stats.KeepFailures(true);
  proto::Results r;
  Records(0, 4, 1, &r);
  stats.AddResults(r, 1, "h", 1, "\xdd\x00\x00\x00\x04garbage");
  EXPECT_TRUE(stats.failures().empty());
  EXPECT_EQ(stats.not_ok(), 4u);  // the counts come from the header
}

TEST(Stats, CountsDurationsAndBytes) {
  Stats stats;
  proto::Results r;
  std::string frame = Records(0, 8, 0, &r);
  DurationHistogram d;
  for (int i = 0; i < 8; ++i) d.Add(50);
  stats.AddResults(r, 1, "h", 1, frame, &d);
  stats.AddResults(r, 2, "h", 2, frame, &d);
  stats.AddResults(r, 3, "h", 3, frame);  // no durations: none counted
  stats.TasksSent(base::Now(), 1000);
  EXPECT_EQ(stats.durations().count(), 16u);
  EXPECT_EQ(stats.durations().sum_us(), 800u);
  EXPECT_EQ(stats.durations().counts()[DurationHistogram::BucketOf(50)], 16u);
  EXPECT_EQ(stats.bytes_in(), 3 * frame.size());
  EXPECT_EQ(stats.bytes_out(), 1000u);
}

TEST(Stats, TheSummaryJsonHasTheSameHistogram) {
  Stats stats;
  proto::Results r;
  std::string frame = Records(0, 3, 0, &r);
  DurationHistogram d;
  d.Add(1);
  d.Add(3);
  d.Add(uint64_t{1} << 40);
  stats.AddResults(r, 1, "h", 1, frame, &d);
  const std::string json = stats.ToJson(0, "done", 0);
  EXPECT_NE(json.find("\"sum_us\":1099511627780,\"count\":3"), std::string::npos) << json;
  EXPECT_NE(json.find("\"counts\":[1,0,1,0,"), std::string::npos) << json;
}

TEST(DurationHistogram, UpperBoundsAreInclusivePowersOfTwo) {
  EXPECT_EQ(DurationHistogram::BucketOf(0), 0);
  EXPECT_EQ(DurationHistogram::BucketOf(1), 0);
  EXPECT_EQ(DurationHistogram::BucketOf(2), 1);
  EXPECT_EQ(DurationHistogram::BucketOf(3), 2);
  EXPECT_EQ(DurationHistogram::BucketOf(4), 2);
  EXPECT_EQ(DurationHistogram::BucketOf(5), 3);
  for (int i = 0; i < DurationHistogram::kBounded; ++i) {
    EXPECT_EQ(DurationHistogram::BucketOf(DurationHistogram::UpperBoundUs(i)), i);
    EXPECT_EQ(DurationHistogram::BucketOf(DurationHistogram::UpperBoundUs(i) + 1), i + 1);
  }
  EXPECT_EQ(DurationHistogram::BucketOf(~uint64_t{0}), DurationHistogram::kBounded);
}

class Builder : public ::testing::Test {
 protected:
  // Reports `n` more ok tasks.
  void Report(uint32_t n) { reported_ += n; }
  std::shared_ptr<const View> At(base::Duration since_start, bool finished = false) {
    Snapshot s;
    s.elapsed_s = std::chrono::duration<double>(since_start).count();
    s.total = total_;
    s.reported = reported_;
    s.by_status[0] = reported_;
    s.queued = total_ - reported_;
    s.phase = finished ? "done" : "running";
    s.finished = finished;
    s.outcome = finished ? "done" : "";
    s.exit_code = finished ? 0 : -1;
    return builder_.Build(std::move(s), 0);
  }

  ViewBuilder builder_;
  uint64_t reported_ = 0;
  uint64_t total_ = 10000;
};

TEST_F(Builder, RateAndEtaFollowTheRecentHistory) {
  for (int t = 0; t <= 20; ++t) {
    Report(100);  // 100 tasks a second
    At(seconds(t));
  }
  auto v = At(seconds(20) + milliseconds(500));
  EXPECT_NEAR(v->rate, 100, 10);
  EXPECT_EQ(v->batch.reported, 2100u);
  EXPECT_NEAR(v->eta_s, (10000 - 2100) / v->rate, 1e-9);
}

TEST_F(Builder, HistoryStaysBoundedAndCoversTheWholeBatch) {
  const int seconds_run = 3 * static_cast<int>(ViewBuilder::kMaxHistory);
  for (int t = 0; t <= seconds_run; ++t) {
    Report(1);
    At(seconds(t));
  }
  auto s = At(seconds(seconds_run), /*finished=*/true);
  EXPECT_LE(s->history.size(), ViewBuilder::kMaxHistory);
  EXPECT_GT(s->history.size(), ViewBuilder::kMaxHistory / 4);
  EXPECT_EQ(s->history.front().t, 0);
  EXPECT_EQ(s->history.back().t, seconds_run);
  EXPECT_EQ(s->history.back().done, static_cast<uint64_t>(seconds_run + 1));
  for (size_t i = 1; i < s->history.size(); ++i) {
    EXPECT_LT(s->history[i - 1].t, s->history[i].t);
  }
  EXPECT_TRUE(s->batch.finished);
  EXPECT_LT(s->eta_s, 0);  // no ETA once finished
}

TEST_F(Builder, NoEtaBeforeAnythingWasDone) {
  auto s = At(milliseconds(100));
  EXPECT_EQ(s->rate, 0);
  EXPECT_LT(s->eta_s, 0);
  EXPECT_EQ(s->batch.phase, "running");
}

TEST(Dashboard, ServesWhatWasPublishedAndWantsTheNextAfterTheInterval) {
  DashboardOptions options;
  options.address = "127.0.0.1";
  absl::StatusOr<std::unique_ptr<Dashboard>> d = Dashboard::Start(options, false);
  ASSERT_TRUE(d.ok()) << d.status();
  const base::Instant taken = base::Instant{} + std::chrono::hours(5);
  Snapshot s;
  s.taken = taken;
  s.phase = "running";
  s.total = 7;
  (*d)->Publish(std::move(s));
  EXPECT_EQ((*d)->next_publish(), taken + Dashboard::kPublishInterval);
  testutil::HttpReply r = testutil::HttpGet((*d)->port(), "/status.json");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.body.find("\"total\":7"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace taskfarm::master::dashboard
