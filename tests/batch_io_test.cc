// Tests of master::BatchIo, in-process: the demo batch runs only when no
// input is named (an empty --tasks is an empty batch); the check spools
// the tasks and the feed hands them out; --resume checks the fingerprint
// before it reads the output; Cancel makes the check return kCancelled.

#include "master/batch_io.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "master/options.h"
#include "proto/batch.h"
#include "tests/testutil/files.h"
#include "tests/testutil/kinds.h"

namespace taskfarm::master {
namespace {

class BatchIoTest : public testing::Test {
 protected:
  // Prepare and Check; the task total, or -1 after a failure.
  int64_t Checked(BatchIo& io) {
    const std::string dir = testutil::TempPath("rundir");
    EXPECT_EQ(mkdir(dir.c_str(), 0700), 0);
    absl::Status s = io.Prepare(dir);
    EXPECT_TRUE(s.ok()) << s;
    std::vector<std::string> errors;
    s = io.Check(kinds_, &errors);
    EXPECT_TRUE(s.ok()) << s;
    EXPECT_TRUE(errors.empty());
    return s.ok() && errors.empty() ? static_cast<int64_t>(io.total()) : -1;
  }

  static InputSpec Text(std::string text) {
    InputSpec spec;
    spec.text = std::move(text);
    spec.is_text = true;
    spec.name = "--tasks";
    return spec;
  }

  const KindTable kinds_ = testutil::TestKinds();
};

TEST_F(BatchIoTest, NoInputAtAllRunsTheDemo) {
  FarmOptions options;
  BatchIo io(options);
  EXPECT_EQ(Checked(io), 91);
  EXPECT_TRUE(io.demo());
}

TEST_F(BatchIoTest, AnEmptyTasksTextIsAnEmptyBatch) {
  FarmOptions options;
  options.inputs.push_back(Text(""));
  BatchIo io(options);
  EXPECT_EQ(Checked(io), 0);
  EXPECT_FALSE(io.demo());
  proto::TaskBatchWriter writer;
  ASSERT_NE(io.source(), nullptr);
  EXPECT_EQ(*io.source()->Fill(&writer, 10, UINT64_MAX, nullptr), 0u);
  EXPECT_TRUE(io.source()->exhausted());
}

TEST_F(BatchIoTest, ACancelledCheckStopsWithinAFewThousandLines) {
  std::string lines;
  for (int i = 0; i < 100000; ++i) lines += "fib 1\n";
  FarmOptions options;
  options.inputs.push_back(Text(lines));
  BatchIo io(options);
  const std::string dir = testutil::TempPath("rundir");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  ASSERT_TRUE(io.Prepare(dir).ok());
  io.Cancel();
  std::vector<std::string> errors;
  absl::Status s = io.Check(kinds_, &errors);
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled) << s;
  EXPECT_EQ(io.source(), nullptr);
}

TEST_F(BatchIoTest, ResumeOfAnotherTaskListNamesTheFingerprint) {
  const std::string out = testutil::TempPath("out.jsonl");
  {
    FarmOptions options;
    options.inputs.push_back(Text("fib 0..99"));
    options.output = out;
    options.format = journal::Format::kJsonl;
    BatchIo io(options);
    ASSERT_EQ(Checked(io), 100);
    ASSERT_TRUE(io.OpenOutput().ok());
  }
  // What a run of those 100 tasks wrote: ids up to 99.
  std::string records;
  for (int id = 0; id < 100; ++id) {
    absl::StrAppend(&records, "{\"id\":", id,
                    ",\"task\":\"fib\",\"args\":[1],\"status\":\"ok\","
                    "\"result\":\"1\",\"worker\":1,\"attempts\":1,"
                    "\"elapsed_us\":0}\n");
  }
  testutil::WriteFile(out, records);
  FarmOptions options;
  options.inputs.push_back(Text("fib 0..9"));
  options.output = out;
  options.format = journal::Format::kJsonl;
  options.resume = true;
  BatchIo io(options);
  ASSERT_EQ(Checked(io), 10);
  absl::Status s = io.OpenOutput();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            absl::StrCat("refusing to resume: ", out,
                         " was written for a different task list; run "
                         "without --resume to start over"));
}

}  // namespace
}  // namespace taskfarm::master
