// Tests of the input spool (master::SpoolWriter, SpoolReader) and of
// master::SpoolFeed: what is spooled comes back as the same tasks in the
// same order (task blocks, small ranges expanded, long ranges kept as the
// line), under any max, id_limit and skip; and a spool that is cut short,
// corrupt, reordered, longer than its end or holding another count of
// tasks is an error (kDataLoss), never an early, quiet end.

#include "master/input/spool.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "journal/id_set.h"
#include "master/input/spool_feed.h"
#include "master/input/task_line.h"
#include "master/input/tokenizer.h"
#include "proto/batch.h"
#include "tests/testutil/files.h"
#include "tests/testutil/kinds.h"

namespace taskfarm::master {
namespace {

class SpoolTest : public testing::Test {
 protected:
  // Spools `lines` (checked lines of the task language) into a new file.
  std::string Spool(const std::vector<std::string>& lines) {
    const std::string path = testutil::TempPath("input.spool");
    absl::StatusOr<std::unique_ptr<SpoolWriter>> spool =
        SpoolWriter::Create(path);
    EXPECT_TRUE(spool.ok()) << spool.status();
    total_ = 0;
    for (const std::string& text : lines) {
      TaskLine line;
      Parse(text, &line);
      EXPECT_TRUE((*spool)->AddLine(line).ok());
      total_ += line.count();
    }
    EXPECT_EQ((*spool)->tasks(), total_);
    EXPECT_TRUE((*spool)->Finish().ok());
    return path;
  }

  void Parse(const std::string& text, TaskLine* line) {
    Tokenizer tokenizer;
    ASSERT_TRUE(tokenizer.Tokenize(text).ok()) << text;
    ASSERT_TRUE(line->Parse(tokenizer.words(), kinds_).ok()) << text;
  }

  // Every task of `lines`, expanded directly: "ID KIND ARGS".
  std::vector<std::string> Expected(const std::vector<std::string>& lines) {
    std::vector<std::string> tasks;
    std::vector<proto::Value> args;
    for (const std::string& text : lines) {
      TaskLine line;
      Parse(text, &line);
      for (bool more = line.First(&args); more; more = line.Next(&args)) {
        tasks.push_back(absl::StrCat(tasks.size(), " ",
                                     kinds_.at(line.kind()).name, " ",
                                     testutil::RenderArgs(args, false)));
      }
    }
    return tasks;
  }

  // Feeds the whole spool, `max` at a time (and below `id_limit`, raised
  // by `max` after each Fill). Returns the tasks, or the first error.
  absl::StatusOr<std::vector<std::string>> FeedAll(
      const std::string& path, uint64_t total, uint32_t max = 100,
      const journal::IdSet* skip = nullptr, uint64_t id_step = UINT64_MAX) {
    absl::StatusOr<std::unique_ptr<SpoolFeed>> feed =
        SpoolFeed::Open(path, total);
    if (!feed.ok()) return feed.status();
    std::vector<std::string> tasks;
    proto::TaskBatchWriter writer;
    proto::TaskBatchReader reader;
    proto::TaskView view;
    uint64_t id_limit = id_step == UINT64_MAX ? UINT64_MAX : 0;
    for (int i = 0; !(*feed)->exhausted(); ++i) {
      if (i > 100000) return absl::InternalError("the feed never ends");
      if (id_step != UINT64_MAX) id_limit += id_step;
      writer.Clear();
      absl::StatusOr<uint32_t> n = (*feed)->Fill(&writer, max, id_limit, skip);
      if (!n.ok()) return n.status();
      EXPECT_LE(*n, max);
      std::string body(writer.Finish());
      EXPECT_TRUE(reader.Open(body).ok());
      EXPECT_EQ(reader.size(), *n);
      for (size_t t = 0; t < reader.size(); ++t) {
        EXPECT_TRUE(reader.Get(t, &view).ok());
        EXPECT_EQ(view.attempt, 1u);
        EXPECT_LT(view.id, id_limit);
        tasks.push_back(absl::StrCat(view.id, " ",
                                     kinds_.at(view.kind_index).name, " ",
                                     testutil::RenderArgs(view.args, false)));
      }
    }
    return tasks;
  }

  const KindTable kinds_ = testutil::TestKinds();
  uint64_t total_ = 0;
};

// Task blocks of several 64 KiB (plain lines and small ranges), with long
// ranges between them.
std::vector<std::string> MixedLines() {
  std::vector<std::string> lines;
  for (int i = 0; i < 12000; ++i) {
    lines.push_back(absl::StrCat("fib ", i));
    if (i % 1000 == 0) lines.push_back("fibmod 1..3 -2..-1");  // expanded
    if (i % 3000 == 0) lines.push_back("fibmod -5..4 7..16");  // compact
    if (i % 5000 == 0) lines.push_back("echo 'a b' c");
  }
  lines.push_back("grid 0..9 18446744073709551606..18446744073709551615");
  lines.push_back("tag 1..70 label");
  return lines;
}

std::string Bytes(const std::string& path) { return testutil::ReadFile(path); }

TEST_F(SpoolTest, FeedsBackEveryTaskInOrderUnderAnyBatching) {
  const std::vector<std::string> lines = MixedLines();
  const std::string path = Spool(lines);
  const std::vector<std::string> expected = Expected(lines);
  for (uint32_t max : {1u, 7u, 1000u, 65536u}) {
    SCOPED_TRACE(max);
    absl::StatusOr<std::vector<std::string>> got = FeedAll(path, total_, max);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->size(), expected.size());
    EXPECT_EQ(*got, expected);
  }
}

TEST_F(SpoolTest, FeedStopsBelowTheIdLimitAndPassesOverSkippedIds) {
  const std::vector<std::string> lines = MixedLines();
  const std::string path = Spool(lines);
  std::vector<std::string> expected = Expected(lines);
  journal::IdSet skip;
  std::mt19937_64 random(7);
  std::vector<std::string> kept;
  for (uint64_t id = 0; id < expected.size(); ++id) {
    // Runs of skipped ids and single ones, across block boundaries.
    if (random() % 5 == 0 || (id / 3000) % 2 == 1) {
      skip.Add(id);
    } else {
      kept.push_back(expected[id]);
    }
  }
  absl::StatusOr<std::vector<std::string>> got =
      FeedAll(path, total_, 64, &skip, /*id_step=*/97);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, kept);
}

TEST_F(SpoolTest, LongRangesStayCompact) {
  const std::string path = Spool({"fib 0..1099511627775", "fib 5"});
  EXPECT_LT(Bytes(path).size(), 512u);
  absl::StatusOr<std::unique_ptr<SpoolFeed>> feed = SpoolFeed::Open(path, total_);
  ASSERT_TRUE(feed.ok());
  proto::TaskBatchWriter writer;
  ASSERT_EQ(*(*feed)->Fill(&writer, 3, UINT64_MAX, nullptr), 3u);
  EXPECT_EQ((*feed)->next_id(), 3u);
  EXPECT_FALSE((*feed)->exhausted());
}

TEST_F(SpoolTest, AnEmptySpoolEndsAtOnce) {
  const std::string path = Spool({});
  absl::StatusOr<std::vector<std::string>> got = FeedAll(path, 0);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->empty());
}

// Block boundaries of a spool: the header's payload size is at byte 24.
std::vector<size_t> BlockStarts(const std::string& bytes) {
  std::vector<size_t> starts;
  for (size_t at = 0; at + 40 <= bytes.size();) {
    starts.push_back(at);
    uint64_t payload;
    std::memcpy(&payload, bytes.data() + at + 24, sizeof(payload));
    at += 40 + payload;
  }
  return starts;
}

TEST_F(SpoolTest, EveryCutShortSpoolIsAnError) {
  const std::string path = Spool(MixedLines());
  const std::string bytes = Bytes(path);
  std::vector<size_t> cuts;
  for (size_t n = 0; n < 200; ++n) cuts.push_back(n);
  for (size_t start : BlockStarts(bytes)) {
    for (size_t n : {start - 1, start, start + 1, start + 39, start + 40,
                     start + 41}) {
      if (n < bytes.size()) cuts.push_back(n);
    }
  }
  cuts.push_back(bytes.size() - 1);
  const std::string cut = testutil::TempPath("cut.spool");
  for (size_t n : cuts) {
    SCOPED_TRACE(n);
    testutil::WriteFile(cut, bytes.substr(0, n));
    absl::StatusOr<std::vector<std::string>> got = FeedAll(cut, total_, 1000);
    ASSERT_FALSE(got.ok()) << "a spool cut at " << n << " fed "
                           << got->size() << " tasks as if complete";
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss)
        << got.status();
  }
}

TEST_F(SpoolTest, AChangedByteIsAnError) {
  const std::string path = Spool({"fib 1", "fib 2", "fibmod 1..100 3", "echo x"});
  const std::string bytes = Bytes(path);
  const std::string bad = testutil::TempPath("bad.spool");
  for (size_t i = 0; i < bytes.size(); ++i) {
    SCOPED_TRACE(i);
    std::string changed = bytes;
    changed[i] = static_cast<char>(changed[i] ^ 0x10);
    testutil::WriteFile(bad, changed);
    absl::StatusOr<std::vector<std::string>> got = FeedAll(bad, total_);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss)
        << got.status();
  }
}

TEST_F(SpoolTest, ReorderedBlocksAreAnError) {
  const std::string path = Spool(MixedLines());
  const std::string bytes = Bytes(path);
  std::vector<size_t> starts = BlockStarts(bytes);
  ASSERT_GE(starts.size(), 4u);
  std::string swapped = bytes.substr(starts[1], starts[2] - starts[1]) +
                        bytes.substr(0, starts[1]) + bytes.substr(starts[2]);
  testutil::WriteFile(path, swapped);
  absl::StatusOr<std::vector<std::string>> got = FeedAll(path, total_);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("a block starts at task"),
            std::string::npos)
      << got.status();
}

TEST_F(SpoolTest, BytesAfterTheEndAreAnError) {
  const std::string path = Spool({"fib 1"});
  testutil::WriteFile(path, Bytes(path) + "x");
  EXPECT_EQ(FeedAll(path, total_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(SpoolTest, ACountOtherThanTheChecksIsAnError) {
  const std::string path = Spool({"fib 1..10", "fib 1..100"});
  absl::StatusOr<std::vector<std::string>> more = FeedAll(path, total_ + 1);
  EXPECT_EQ(more.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(more.status().message(),
            "the input spool holds 110 tasks; the input check counted 111");
  absl::StatusOr<std::vector<std::string>> fewer = FeedAll(path, total_ - 1);
  EXPECT_EQ(fewer.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SpoolTest, AFailedFeedStaysFailed) {
  const std::string path = Spool(MixedLines());
  const std::string bytes = Bytes(path);
  testutil::WriteFile(path, bytes.substr(0, bytes.size() / 2));
  absl::StatusOr<std::unique_ptr<SpoolFeed>> feed = SpoolFeed::Open(path, total_);
  ASSERT_TRUE(feed.ok());
  proto::TaskBatchWriter writer;
  absl::Status first;
  while (first.ok()) {
    writer.Clear();
    first = (*feed)->Fill(&writer, 1000, UINT64_MAX, nullptr).status();
  }
  EXPECT_EQ((*feed)->Fill(&writer, 1000, UINT64_MAX, nullptr).status(), first);
  EXPECT_FALSE((*feed)->exhausted());
}

TEST_F(SpoolTest, AnUnwritableSpoolSaysWhere) {
  absl::StatusOr<std::unique_ptr<SpoolWriter>> spool =
      SpoolWriter::Create(testutil::TempPath("no/such/dir/input.spool"));
  EXPECT_EQ(spool.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(spool.status().message().find("cannot create the input spool"),
            std::string::npos);
}

}  // namespace
}  // namespace taskfarm::master
