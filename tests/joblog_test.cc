// The joblog's columns from a record, as GNU Parallel fills them: exit code
// and signal read from exec's error, timeouts as -1 15, the command quoted
// as Parallel quotes it and kept on one line; and the file itself: one
// header, one line per id even when a record comes twice.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "logger/joblog.h"
#include "tests/testutil/farm.h"

namespace taskfarm::logger {
namespace {

proto::RecordView Record(proto::TaskStatus status, absl::string_view result) {
  proto::RecordView r;
  r.id = 4;
  r.kind = "exec";
  r.args = {absl::string_view("sh"), absl::string_view("-c"),
            absl::string_view("echo 'a b'\nexit 3")};
  r.status = status;
  r.result = result;
  r.elapsed_us = 1500000;
  return r;
}

TEST(Joblog, ExitColumnsFollowParallel) {
  using proto::TaskStatus;
  struct Row {
    TaskStatus status;
    std::string result;
    int exitval, signal;
  };
  const std::vector<Row> rows = {
      {TaskStatus::kOk, "out", 0, 0},
      {TaskStatus::kError, "exec: sh: exit 3; stderr: exit 7 of mine", 3, 0},
      {TaskStatus::kError, "exec: sh: exit 255", 255, 0},
      {TaskStatus::kError, "exec: sh: killed by SIGKILL", 0, 9},
      {TaskStatus::kError, "exec: sh: killed by SIGSEGV (core dumped)", 0, 11},
      {TaskStatus::kError, "exec: nosuch: No such file or directory", 127, 0},
      {TaskStatus::kError, "exec: ./x: Permission denied", 126, 0},
      {TaskStatus::kError, "fib: n must be >= 0", 1, 0},
      {TaskStatus::kTimeout, "ran past --timeout", -1, 15},
      {TaskStatus::kCrashed, "SIGSEGV", -1, 11},
      {TaskStatus::kOom, "out of memory", -1, 0},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.result);
    ExitColumns got = ExitColumnsOf(Record(row.status, row.result));
    EXPECT_EQ(got.exitval, row.exitval);
    EXPECT_EQ(got.signal, row.signal);
  }
}

TEST(Joblog, CommandIsQuotedAndOnOneLine) {
  EXPECT_EQ(CommandColumn(Record(proto::TaskStatus::kOk, "")),
            "sh -c 'echo '\"'\"'a b'\"'\"'\\nexit 3'");
  proto::RecordView fib;
  fib.kind = "fib";
  fib.args = {int64_t{30}};
  EXPECT_EQ(CommandColumn(fib), "fib 30");
}

TEST(Joblog, OneHeaderAndOneLinePerId) {
  const std::string path = testing::TempDir("joblog") + "/jobs.log";
  {
    absl::StatusOr<Joblog> log = Joblog::Open(path, /*fresh=*/true, {});
    ASSERT_TRUE(log.ok()) << log.status();
    proto::RecordView r = Record(proto::TaskStatus::kOk, "");
    log->Add(r, 1000.0);
    log->Add(r, 1001.0);  // resent after a logger restart: no second line
    ASSERT_TRUE(log->Flush().ok());
  }
  {
    journal::IdSet done;
    done.Add(4);
    absl::StatusOr<Joblog> log = Joblog::Open(path, /*fresh=*/false, done);
    ASSERT_TRUE(log.ok());
    log->Add(Record(proto::TaskStatus::kOk, ""), 1002.0);  // in the output already
  }
  const std::vector<std::string> lines = testing::Lines(testing::ReadFile(path));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand");
  EXPECT_EQ(lines[1], "5\t:\t998.500\t     1.500\t0\t0\t0\t0\t" +
                          CommandColumn(Record(proto::TaskStatus::kOk, "")));
}

}  // namespace
}  // namespace taskfarm::logger
