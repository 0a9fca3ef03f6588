// Tests of master::TaskSource: the up-front Check of every input (errors as
// NAME:LINE: message, capped; task totals; the fingerprint) and the
// streaming Fill (ids in input order across lines and files, max, id_limit,
// skipped ids, the end).

#include "master/input/task_source.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "journal/id_set.h"
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

  // One Fill; the tasks it wrote.
  std::vector<Task> Fill(TaskSource& source, uint32_t max,
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
  std::vector<Task> FillAll(TaskSource& source, uint32_t max,
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
  TaskSource source({File("a.txt", "fib 1..3\n\n# x\nfibmod 1..2 5\n"),
                     File("empty.txt", ""), Text("echo a 'b c'; hang")},
                    &kinds_);
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
  TaskSource source({Text("fib 0..9")}, &kinds_);
  EXPECT_EQ(Fill(source, 4).size(), 4u);
  std::vector<Task> next = Fill(source, 4);
  EXPECT_EQ(next,
            (std::vector<Task>{"4 fib 4", "5 fib 5", "6 fib 6", "7 fib 7"}));
  EXPECT_FALSE(source.exhausted());
  EXPECT_EQ(Fill(source, 4), (std::vector<Task>{"8 fib 8", "9 fib 9"}));
  EXPECT_TRUE(source.exhausted());
}

TEST_F(TaskSourceTest, FillStopsBelowIdLimit) {
  TaskSource source({Text("fib 0..9")}, &kinds_);
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
  TaskSource source({Text("fib 0..5; sleep 6..9")}, &kinds_);
  std::vector<Task> first = Fill(source, 2, UINT64_MAX, &done);
  EXPECT_EQ(first, (std::vector<Task>{"1 fib 1", "4 fib 4"}));
  EXPECT_EQ(FillAll(source, 2, &done),
            (std::vector<Task>{"5 fib 5", "6 sleep 6", "8 sleep 8"}));
  EXPECT_TRUE(source.exhausted());
}

TEST_F(TaskSourceTest, FillOfEverythingSkippedReachesTheEnd) {
  journal::IdSet done;
  for (uint64_t id = 0; id < 4; ++id) done.Add(id);
  TaskSource source({Text("fib 0..3")}, &kinds_);
  EXPECT_TRUE(Fill(source, 10, UINT64_MAX, &done).empty());
  EXPECT_TRUE(source.exhausted());
}

TEST_F(TaskSourceTest, FillReportsAFileThatChangedAfterCheck) {
  InputSpec spec = File("a.txt", "fib 1\nfib 2\n");
  TaskSource source({spec}, &kinds_);
  std::vector<std::string> errors;
  ASSERT_TRUE(source.Check(&errors, 20).ok());
  ASSERT_TRUE(errors.empty());
  testutil::WriteFile(spec.path, "fib 1\nfib two\n");

  proto::TaskBatchWriter writer;
  absl::StatusOr<uint32_t> added =
      source.Fill(&writer, 10, UINT64_MAX, nullptr);
  EXPECT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(added.status().message(),
            "a.txt:2: fib expects 1 integer argument, got \"two\" (the file "
            "changed while running?)");
}

}  // namespace
}  // namespace taskfarm::master
