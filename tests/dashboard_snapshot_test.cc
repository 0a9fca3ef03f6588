// Tests of what the dashboard's snapshot is made of: the counters Stats
// keeps for it (failures with their messages, durations, bytes, per-slot
// tasks and deaths) and the SnapshotBuilder's own memory (throughput
// history, rate, ETA). Time is passed in, so nothing here waits.

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "master/dashboard/snapshot_builder.h"
#include "master/stats.h"
#include "proto/batch.h"

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

TEST(StatsDetail, KeepsFailuresWithTheirMessagesOnlyWhenAsked) {
  Stats off;
  proto::Results r;
  std::string frame = Records(0, 10, 5, &r);
  off.AddResults(r, 1, "h", 4711, 0, frame);
  EXPECT_TRUE(off.detail().failures.empty());
  EXPECT_EQ(off.not_ok(), 2u);

  Stats on;
  on.KeepFailures(true);
  on.AddResults(r, 1, "h", 4711, 0, frame);
  ASSERT_EQ(on.detail().failures.size(), 2u);
  const Failure& f = *on.detail().failures[1];
  EXPECT_EQ(f.id, 5u);
  EXPECT_EQ(f.task, "fail \"a b\" 5");
  EXPECT_EQ(f.status, proto::TaskStatus::kError);
  EXPECT_EQ(f.message, "task 5 failed");
  EXPECT_EQ(f.pid, 4711);
  EXPECT_FALSE(f.quarantined);
}

TEST(StatsDetail, FailuresAreBoundedToTheNewest) {
  Stats stats;
  stats.KeepFailures(true);
  for (uint64_t batch = 0; batch < 30; ++batch) {
    proto::Results r;
    std::string frame = Records(batch * 10, 10, 1, &r);  // all fail
    stats.AddResults(r, 1, "h", 1, -1, frame);
  }
  EXPECT_EQ(stats.detail().failures_total, 300u);
  ASSERT_EQ(stats.detail().failures.size(), Stats::kMaxFailures);
  EXPECT_EQ(stats.detail().failures.back()->id, 299u);
  EXPECT_EQ(stats.detail().failures.front()->id, 300u - Stats::kMaxFailures);
}

TEST(StatsDetail, QuarantinedTasksAreFailuresToo) {
  Stats stats;
  stats.KeepFailures(true);
  stats.AddQuarantined({42, "crash", proto::TaskStatus::kCrashed, "SIGSEGV", 3});
  ASSERT_EQ(stats.detail().failures.size(), 1u);
  EXPECT_TRUE(stats.detail().failures[0]->quarantined);
  EXPECT_EQ(stats.detail().failures[0]->message, "SIGSEGV");
  EXPECT_EQ(stats.detail().failures[0]->attempts, 3u);
}

TEST(StatsDetail, MalformedRecordsFrameKeepsNoFailure) {
  Stats stats;
  stats.KeepFailures(true);
  proto::Results r;
  Records(0, 4, 1, &r);
  stats.AddResults(r, 1, "h", 1, -1, "\xdd\x00\x00\x00\x04garbage");
  EXPECT_TRUE(stats.detail().failures.empty());
  EXPECT_EQ(stats.not_ok(), 4u);  // the counts come from the header
}

TEST(StatsDetail, CountsDurationsBytesAndPerSlotTasksAndDeaths) {
  Stats stats;
  proto::Results r;
  std::string frame = Records(0, 8, 0, &r);  // 8 tasks, 50 us each
  stats.AddResults(r, 1, "h", 1, 3, frame);
  stats.AddResults(r, 2, "h", 2, 4, frame);
  stats.TasksSent(base::Now(), 1000);
  stats.AddWorkerDeath(3);
  stats.AddWorkerDeath(3);
  stats.AddWorkerDeath();
  const Stats::Detail& d = stats.detail();
  EXPECT_EQ(d.duration_count, 16u);
  EXPECT_EQ(d.duration_us, 800u);
  EXPECT_EQ(d.duration_counts[1], 16u);  // 50 us: in (1e-5 s, 1e-4 s]
  EXPECT_EQ(d.bytes_in, 2 * frame.size());
  EXPECT_EQ(d.bytes_out, 1000u);
  EXPECT_EQ(d.tasks_by_slot.at(3), 8u);
  EXPECT_EQ(d.tasks_by_slot.at(4), 8u);
  EXPECT_EQ(d.deaths_by_slot.at(3), 2u);
  EXPECT_EQ(stats.worker_deaths(), 3);
}

class Builder : public ::testing::Test {
 protected:
  // Reports `n` more ok tasks.
  void Report(uint32_t n) {
    proto::Results r{.batch_id = 1, .count = n, .elapsed_us = n};
    r.by_status[0] = n;
    stats_.AddResults(r, 1, "h", 1);
  }
  std::shared_ptr<const Snapshot> At(base::Duration since_start, bool finished = false) {
    SnapshotSources in;
    in.stats = &stats_;
    in.total = total_;
    in.phase = finished ? "done" : "running";
    in.finished = finished;
    in.outcome = finished ? "done" : "";
    in.exit_code = finished ? 0 : -1;
    return builder_.Build(in, start_ + since_start, 0);
  }

  base::Instant start_ = base::Now();
  SnapshotBuilder builder_{start_};
  Stats stats_;
  uint64_t total_ = 10000;
};

TEST_F(Builder, RateAndEtaFollowTheRecentHistory) {
  for (int t = 0; t <= 20; ++t) {
    Report(100);  // 100 tasks a second
    At(seconds(t));
  }
  auto s = At(seconds(20) + milliseconds(500));
  EXPECT_NEAR(s->rate, 100, 10);
  EXPECT_EQ(s->reported, 2100u);
  EXPECT_NEAR(s->eta_s, (10000 - 2100) / s->rate, 1e-9);
  EXPECT_EQ(s->queued, 10000u - 2100u);  // nothing in flight without a dispatcher
}

TEST_F(Builder, HistoryStaysBoundedAndCoversTheWholeBatch) {
  const int seconds_run = 3 * static_cast<int>(SnapshotBuilder::kMaxHistory);
  for (int t = 0; t <= seconds_run; ++t) {
    Report(1);
    At(seconds(t));
  }
  auto s = At(seconds(seconds_run), /*finished=*/true);
  EXPECT_LE(s->history.size(), SnapshotBuilder::kMaxHistory);
  EXPECT_GT(s->history.size(), SnapshotBuilder::kMaxHistory / 4);
  EXPECT_EQ(s->history.front().t, 0);
  EXPECT_EQ(s->history.back().t, seconds_run);
  EXPECT_EQ(s->history.back().done, static_cast<uint64_t>(seconds_run + 1));
  for (size_t i = 1; i < s->history.size(); ++i) {
    EXPECT_LT(s->history[i - 1].t, s->history[i].t);
  }
  EXPECT_TRUE(s->finished);
  EXPECT_LT(s->eta_s, 0);  // no ETA once finished
}

TEST_F(Builder, NoEtaBeforeAnythingWasDone) {
  auto s = At(milliseconds(100));
  EXPECT_EQ(s->rate, 0);
  EXPECT_LT(s->eta_s, 0);
  EXPECT_EQ(s->phase, "running");
}

}  // namespace
}  // namespace taskfarm::master::dashboard
