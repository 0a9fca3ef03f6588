// Tests of master::TaskSource: the one pass over every input (errors as
// NAME:LINE: message, capped; task totals; the fingerprint; generated
// sources; cancelling), and the tasks it spools as SpoolFeed hands them out
// (ids in input order across lines and files, max, id_limit, skipped ids,
// the end; nothing read again after the check).

#include "master/input/task_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "journal/id_set.h"
#include "master/input/cancel.h"
#include "master/input/line_source.h"
#include "master/input/spool.h"
#include "master/input/spool_feed.h"
#include "proto/batch.h"
#include "tests/testutil/files.h"
#include "tests/testutil/kinds.h"

namespace taskfarm::master {
namespace {

// One task as Fill wrote it: "ID KIND ARGS".
using Task = std::string;

class TaskSourceTest : public testing::Test {
 protected:
  // A file input named `name` in messages.
  InputSpec File(const std::string& name, absl::string_view content) {
    InputSpec spec;
    spec.path = testutil::TempPath(name);
    spec.name = name;
    testutil::WriteFile(spec.path, content);
    return spec;
  }
  static InputSpec Text(std::string text) {
    InputSpec spec;
    spec.text = std::move(text);
    spec.is_text = true;
    return spec;
  }

  // Check with room for `max_errors`; the errors, or the status if it failed.
  std::vector<std::string> CheckErrors(std::vector<InputSpec> inputs,
                                       size_t max_errors = 20) {
    TaskSource source(std::move(inputs), &kinds_);
    std::vector<std::string> errors;
    absl::StatusOr<TaskSource::Summary> summary =
        source.Check(&errors, max_errors);
    EXPECT_TRUE(summary.ok()) << summary.status();
    return errors;
  }

  TaskSource::Summary Summarize(std::vector<InputSpec> inputs) {
    TaskSource source(std::move(inputs), &kinds_);
    std::vector<std::string> errors;
    absl::StatusOr<TaskSource::Summary> summary = source.Check(&errors, 20);
    EXPECT_TRUE(summary.ok()) << summary.status();
    EXPECT_TRUE(errors.empty()) << errors.front();
    return summary.ok() ? *summary : TaskSource::Summary{};
  }

  // Checks `inputs` into a spool; the feed of that spool.
  std::unique_ptr<SpoolFeed> Feed(std::vector<InputSpec> inputs) {
    const std::string path = testutil::TempPath("input.spool");
    absl::StatusOr<std::unique_ptr<SpoolWriter>> spool =
        SpoolWriter::Create(path);
    EXPECT_TRUE(spool.ok()) << spool.status();
    TaskSource source(std::move(inputs), &kinds_);
    std::vector<std::string> errors;
    absl::StatusOr<TaskSource::Summary> summary =
        source.Check(&errors, 20, spool->get());
    EXPECT_TRUE(summary.ok()) << summary.status();
    EXPECT_TRUE(errors.empty()) << errors.front();
    absl::StatusOr<std::unique_ptr<SpoolFeed>> feed =
        SpoolFeed::Open(path, summary.ok() ? summary->total : 0);
    EXPECT_TRUE(feed.ok()) << feed.status();
    return feed.ok() ? *std::move(feed) : nullptr;
  }

  // One Fill; the tasks it wrote.
  std::vector<Task> Fill(TaskFeed& source, uint32_t max,
                         uint64_t id_limit = UINT64_MAX,
                         const journal::IdSet* skip = nullptr) {
    proto::TaskBatchWriter writer;
    absl::StatusOr<uint32_t> added = source.Fill(&writer, max, id_limit, skip);
    EXPECT_TRUE(added.ok()) << added.status();
    std::string body(writer.Finish());
    proto::TaskBatchReader reader;
    EXPECT_TRUE(reader.Open(body).ok());
    std::vector<Task> tasks;
    proto::TaskView view;
    for (size_t i = 0; i < reader.size(); ++i) {
      EXPECT_TRUE(reader.Get(i, &view).ok());
      EXPECT_EQ(view.attempt, 1u);
      tasks.push_back(absl::StrCat(view.id, " ",
                                   kinds_.at(view.kind_index).name, " ",
                                   testutil::RenderArgs(view.args, false)));
    }
    if (added.ok()) {
      EXPECT_EQ(*added, tasks.size());
    }
    return tasks;
  }

  // Fills `max` at a time until a Fill comes back empty.
  std::vector<Task> FillAll(TaskFeed& source, uint32_t max,
                            const journal::IdSet* skip = nullptr) {
    std::vector<Task> all;
    for (int i = 0; i < 10000; ++i) {
      std::vector<Task> some = Fill(source, max, UINT64_MAX, skip);
      EXPECT_LE(some.size(), max);
      if (some.empty()) break;
      all.insert(all.end(), some.begin(), some.end());
    }
    return all;
  }

  const KindTable kinds_ = testutil::TestKinds();
};

// --- Check ------------------------------------------------------------------

TEST_F(TaskSourceTest, CheckCountsTasksAfterExpansion) {
  TaskSource::Summary s = Summarize({
      File("a.txt", "fib 1..3\n# a comment\n\n   \nfibmod 1..2 1..2\n"),
      File("b.txt", "echo a b\n"),
      Text("fib 0..9; hang"),
  });
  EXPECT_EQ(s.total, 3u + 4u + 1u + 10u + 1u);
}

TEST_F(TaskSourceTest, CheckCountsHugeLinesWithoutExpandingThem) {
  EXPECT_EQ(Summarize({Text("fib 0..1099511627775; sleep 1")}).total,
            (uint64_t{1} << 40) + 1);
}

TEST_F(TaskSourceTest, CheckReportsEveryBadLineWithNameAndLineNumber) {
  std::vector<std::string> errors = CheckErrors({
      File("a.txt", "fib 1\nfib x\n# fine\nnope 1\nfib 2"),
      File("b.txt", "\n\necho 'unclosed\nfib 3..1\n"),
      Text("fib 1; fib 1 2"),
  });
  EXPECT_EQ(
      errors,
      (std::vector<std::string>{
          "a.txt:2: fib expects 1 integer argument, got \"x\"",
          "a.txt:4: unknown task kind \"nope\"; --list-tasks shows them all",
          "b.txt:3: unclosed ' quote",
          "b.txt:4: fib argument 1: empty range \"3..1\" (the first end is "
          "above the last)",
          "--tasks:2: fib expects 1 integer argument, got 2",
      }));
}

TEST_F(TaskSourceTest, CheckCapsTheErrorsItLists) {
  const std::string five_bad = "fib a\nfib b\nfib c\nfib d\nfib e\n";
  std::vector<std::string> errors = CheckErrors({File("t.txt", five_bad)}, 2);
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "t.txt:1: fib expects 1 integer argument, got \"a\"",
                        "t.txt:2: fib expects 1 integer argument, got \"b\"",
                        "... and 3 more errors",
                    }));
  EXPECT_EQ(CheckErrors({File("t.txt", five_bad)}, 5).size(), 5u)
      << "a summary line although every error was listed";
}

TEST_F(TaskSourceTest, CheckFailsForAnInputThatCannotBeRead) {
  InputSpec missing;
  missing.path = testutil::TempPath("absent.txt");
  missing.name = "absent.txt";
  TaskSource source({File("a.txt", "fib 1\n"), missing}, &kinds_);
  std::vector<std::string> errors;
  absl::StatusOr<TaskSource::Summary> s = source.Check(&errors, 20);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.status().message(), "absent.txt: No such file or directory");
}

TEST_F(TaskSourceTest, FingerprintIsStableAndIgnoresSpelling) {
  const std::string fingerprint =
      Summarize({File("a.txt", "fib 1..3\necho x\n")}).fingerprint;
  EXPECT_EQ(fingerprint.size(), 64u);
  EXPECT_EQ(fingerprint.find_first_not_of("0123456789abcdef"),
            std::string::npos);
  EXPECT_EQ(Summarize({File("a.txt", "fib 1..3\necho x\n")}).fingerprint,
            fingerprint);
  EXPECT_EQ(
      Summarize({File("b.txt", "# tasks\n  fib\t1..3\n\necho 'x'  # why\n")})
          .fingerprint,
      fingerprint);
  EXPECT_EQ(
      Summarize({File("a.txt", "fib 1..3\n"), Text("echo x")}).fingerprint,
      fingerprint);
}

TEST_F(TaskSourceTest, FingerprintChangesWithTheTasks) {
  const std::string fingerprint =
      Summarize({File("a.txt", "fib 1..3\necho x\n")}).fingerprint;
  const char* changed[] = {
      "fib 1..4\necho x\n", "fib 1..3\necho y\n",         "echo x\nfib 1..3\n",
      "fib 1..3\n",         "fib 1..3\necho x\necho x\n", "fib 1..3\nexec x\n",
  };
  for (const char* content : changed) {
    SCOPED_TRACE(content);
    EXPECT_NE(Summarize({File("a.txt", content)}).fingerprint, fingerprint);
  }
}

// --- Fill -------------------------------------------------------------------

TEST_F(TaskSourceTest, FillStreamsTasksInInputOrderAcrossLinesAndFiles) {
  std::unique_ptr<SpoolFeed> feed =
      Feed({File("a.txt", "fib 1..3\n\n# x\nfibmod 1..2 5\n"),
            File("empty.txt", ""), Text("echo a 'b c'; hang")});
  SpoolFeed& source = *feed;
  EXPECT_EQ(source.next_id(), 0u);
  EXPECT_EQ(FillAll(source, 2), (std::vector<Task>{
                                    "0 fib 1",
                                    "1 fib 2",
                                    "2 fib 3",
                                    "3 fibmod 1 5",
                                    "4 fibmod 2 5",
                                    "5 echo \"a\" \"b c\"",
                                    "6 hang ",
                                }));
  EXPECT_TRUE(source.exhausted());
  EXPECT_EQ(source.next_id(), 7u);
  EXPECT_TRUE(Fill(source, 10).empty());
}

TEST_F(TaskSourceTest, FillSplitsALineAcrossBatches) {
  std::unique_ptr<SpoolFeed> feed = Feed({Text("fib 0..9")});
  SpoolFeed& source = *feed;
  EXPECT_EQ(Fill(source, 4).size(), 4u);
  std::vector<Task> next = Fill(source, 4);
  EXPECT_EQ(next,
            (std::vector<Task>{"4 fib 4", "5 fib 5", "6 fib 6", "7 fib 7"}));
  EXPECT_FALSE(source.exhausted());
  EXPECT_EQ(Fill(source, 4), (std::vector<Task>{"8 fib 8", "9 fib 9"}));
  EXPECT_TRUE(source.exhausted());
}

TEST_F(TaskSourceTest, FillStopsBelowIdLimit) {
  std::unique_ptr<SpoolFeed> feed = Feed({Text("fib 0..9")});
  SpoolFeed& source = *feed;
  EXPECT_EQ(Fill(source, 100, /*id_limit=*/3),
            (std::vector<Task>{"0 fib 0", "1 fib 1", "2 fib 2"}));
  EXPECT_TRUE(Fill(source, 100, 3).empty());
  EXPECT_FALSE(source.exhausted());
  EXPECT_EQ(source.next_id(), 3u);
  EXPECT_EQ(Fill(source, 2), (std::vector<Task>{"3 fib 3", "4 fib 4"}));
}

TEST_F(TaskSourceTest, FillPassesOverSkippedIdsButKeepsTheirNumbers) {
  journal::IdSet done;
  for (uint64_t id : {0, 2, 3, 7, 9}) done.Add(id);
  std::unique_ptr<SpoolFeed> feed = Feed({Text("fib 0..5; sleep 6..9")});
  SpoolFeed& source = *feed;
  std::vector<Task> first = Fill(source, 2, UINT64_MAX, &done);
  EXPECT_EQ(first, (std::vector<Task>{"1 fib 1", "4 fib 4"}));
  EXPECT_EQ(FillAll(source, 2, &done),
            (std::vector<Task>{"5 fib 5", "6 sleep 6", "8 sleep 8"}));
  EXPECT_TRUE(source.exhausted());
}

TEST_F(TaskSourceTest, FillOfEverythingSkippedReachesTheEnd) {
  journal::IdSet done;
  for (uint64_t id = 0; id < 4; ++id) done.Add(id);
  std::unique_ptr<SpoolFeed> feed = Feed({Text("fib 0..3")});
  SpoolFeed& source = *feed;
  EXPECT_TRUE(Fill(source, 10, UINT64_MAX, &done).empty());
  EXPECT_TRUE(source.exhausted());
}

TEST_F(TaskSourceTest, FillIsUnmovedByAFileThatChangedAfterCheck) {
  InputSpec spec = File("a.txt", "fib 1\nfib 2\nfib 3\n");
  std::unique_ptr<SpoolFeed> feed = Feed({spec});
  testutil::WriteFile(spec.path, "fib 1\nfib two\n");
  EXPECT_EQ(FillAll(*feed, 10),
            (std::vector<Task>{"0 fib 1", "1 fib 2", "2 fib 3"}));
  EXPECT_TRUE(feed->exhausted());
}

TEST_F(TaskSourceTest, FillOfAHugeRangeNeedsNoHugeSpool) {
  std::unique_ptr<SpoolFeed> feed =
      Feed({Text("fib 0..1099511627775; fibmod 1..70 9")});
  EXPECT_EQ(Fill(*feed, 2), (std::vector<Task>{"0 fib 0", "1 fib 1"}));
  EXPECT_EQ(Fill(*feed, 1, UINT64_MAX), (std::vector<Task>{"2 fib 2"}));
  EXPECT_FALSE(feed->exhausted());
}

TEST_F(TaskSourceTest, ReadsAPipeOnceThroughDevFd) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string tasks = "fib 1\nfib 2..3\n";
  ASSERT_EQ(write(fds[1], tasks.data(), tasks.size()),
            static_cast<ssize_t>(tasks.size()));
  close(fds[1]);
  InputSpec spec;
  spec.path = absl::StrCat("/dev/fd/", fds[0]);
  std::unique_ptr<SpoolFeed> feed = Feed({spec});
  close(fds[0]);
  EXPECT_EQ(FillAll(*feed, 10),
            (std::vector<Task>{"0 fib 1", "1 fib 2", "2 fib 3"}));
}

// --- Generated sources (command templates) -----------------------------------

// Lines given as words, or as text, then the end.
class Generated : public LineSource {
 public:
  explicit Generated(std::vector<std::vector<Word>> lines, std::string text = "")
      : lines_(std::move(lines)), text_(std::move(text)) {}
  absl::StatusOr<std::optional<SourceLine>> NextLine() override {
    if (line_ < lines_.size()) return SourceLine{.words = &lines_[line_++]};
    if (line_++ == lines_.size() && !text_.empty()) {
      return SourceLine{.text = text_};
    }
    return std::nullopt;
  }
  uint64_t line_number() const override { return line_; }
  const std::string& name() const override { return name_; }

 private:
  std::vector<std::vector<Word>> lines_;
  std::string text_;
  size_t line_ = 0;
  std::string name_ = "::: args";
};

TEST_F(TaskSourceTest, GeneratedWordsAreTakenAsTheyAre) {
  InputSpec spec;
  spec.generated = std::make_shared<Generated>(
      std::vector<std::vector<Word>>{
          {{"echo", true}, {"a b", true}, {"# no comment", true},
           {"'q'", true}, {"1..3", true}},
          {{"fib", true}, {"1..3", false}},  // unquoted: a range
          {},                                // no words: no task
      },
      "fib 7  # a text line too");
  std::unique_ptr<SpoolFeed> feed = Feed({spec, Text("hang")});
  EXPECT_EQ(FillAll(*feed, 10),
            (std::vector<Task>{
                "0 echo \"a b\" \"# no comment\" \"'q'\" \"1..3\"",
                "1 fib 1", "2 fib 2", "3 fib 3", "4 fib 7", "5 hang "}));
}

TEST_F(TaskSourceTest, GeneratedLinesAreCheckedUnderTheSourceName) {
  InputSpec spec;
  spec.generated = std::make_shared<Generated>(std::vector<std::vector<Word>>{
      {{"fib", true}, {"1", true}}, {{"fib", true}, {"x", true}}});
  EXPECT_EQ(CheckErrors({spec}),
            (std::vector<std::string>{
                "::: args:2: fib expects 1 integer argument, got \"x\""}));
}

// --- Cancel ------------------------------------------------------------------

// An endless source of `fib 1` that fires `cancel` at line `at`, and ends
// (so that a check that never looks at its flag still returns) at 10 x at.
class CancelsAt : public LineSource {
 public:
  CancelsAt(CancelFlag* cancel, uint64_t at) : cancel_(cancel), at_(at) {}
  absl::StatusOr<std::optional<SourceLine>> NextLine() override {
    if (++line_ == at_) cancel_->Cancel();
    if (line_ > 10 * at_) return std::nullopt;
    return SourceLine{.text = "fib 1"};
  }
  uint64_t line_number() const override { return line_; }
  const std::string& name() const override { return name_; }

 private:
  CancelFlag* cancel_;
  uint64_t at_, line_ = 0;
  std::string name_ = "endless";
};

TEST_F(TaskSourceTest, CancelStopsACheckBetweenLines) {
  CancelFlag cancel;
  InputSpec spec;
  spec.generated = std::make_shared<CancelsAt>(&cancel, 100000);
  TaskSource source({spec}, &kinds_);
  std::vector<std::string> errors;
  absl::StatusOr<TaskSource::Summary> s =
      source.Check(&errors, 20, nullptr, &cancel);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kCancelled);
}

TEST_F(TaskSourceTest, CancelStopsACheckWaitingOnASilentPipe) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  ASSERT_EQ(write(fds[1], "fib 1\n", 6), 6);  // then nothing, never closed
  InputSpec spec;
  spec.path = absl::StrCat("/dev/fd/", fds[0]);
  CancelFlag cancel;
  TaskSource source({spec}, &kinds_);
  std::vector<std::string> errors;
  auto check = std::async(std::launch::async, [&] {
    return source.Check(&errors, 20, nullptr, &cancel);
  });
  EXPECT_EQ(check.wait_for(std::chrono::milliseconds(1)),
            std::future_status::timeout);
  cancel.Cancel();
  const bool stopped =
      check.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  close(fds[1]);  // lets a check that ignored the cancel end
  ASSERT_TRUE(stopped) << "the check went on waiting";
  EXPECT_EQ(check.get().status().code(), absl::StatusCode::kCancelled);
  close(fds[0]);
}

}  // namespace
}  // namespace taskfarm::master
