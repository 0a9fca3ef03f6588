// File: tests/batch_test.cc
//
// Body frames (proto/batch.h): task batches and result records survive a
// round trip through their writers and readers with every kind of argument,
// readers view strings in the frame instead of copying them, and every
// malformed body is refused with kInvalidArgument.

#include "proto/batch.h"

#include <bit>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/value.h"
#include "tests/testutil/pack.h"

namespace taskfarm::proto {
namespace {

using testutil::Pack;
using testutil::PackSeq;
using testutil::Raw;
using std::string_literals::operator""s;

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

// Same alternative and same bits (so -0.0 differs from 0.0).
bool Same(const Value& a, const Value& b) {
  if (a.index() != b.index()) return false;
  if (const double* d = std::get_if<double>(&a)) {
    return std::bit_cast<uint64_t>(*d) ==
           std::bit_cast<uint64_t>(std::get<double>(b));
  }
  return a == b;
}

void ExpectSameValues(const std::vector<Value>& got,
                      const std::vector<Value>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(Same(got[i], want[i])) << "argument " << i;
  }
}

// Every alternative of Value, at its edges, as it arrives after a trip.
std::vector<Value> EveryValue(const std::string& large) {
  return {int64_t{kI64Min},
          int64_t{-1},
          uint64_t{0},
          uint64_t{kU64Max},
          1.5,
          -0.0,
          2.0,
          18446744073709551616.0,  // 2^64
          std::numeric_limits<double>::max(),
          std::numeric_limits<double>::denorm_min(),
          -std::numeric_limits<double>::infinity(),
          absl::string_view(),
          absl::string_view("ünïcødé ✓ 🚀"),
          absl::string_view(large)};
}

bool Inside(absl::string_view part, absl::string_view frame) {
  return part.data() >= frame.data() &&
         part.data() + part.size() <= frame.data() + frame.size();
}

template <typename Reader, typename View>
absl::Status ReadAll(absl::string_view frame) {
  Reader reader;
  View view;
  if (absl::Status s = reader.Open(frame); !s.ok()) return s;
  for (size_t i = 0; i < reader.size(); ++i) {
    if (absl::Status s = reader.Get(i, &view); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ReadTasks(absl::string_view frame) {
  return ReadAll<TaskBatchReader, TaskView>(frame);
}
absl::Status ReadRecords(absl::string_view frame) {
  return ReadAll<RecordReader, RecordView>(frame);
}

// The master's single pass over a records frame.
absl::Status ScanRecords(absl::string_view frame) {
  RecordScanner scan;
  RecordHead head;
  if (absl::Status s = scan.Start(frame); !s.ok()) return s;
  for (uint32_t i = 0; i < scan.size(); ++i) {
    if (absl::Status s = scan.Next(&head); !s.ok()) return s;
  }
  return scan.Finish();
}

struct BadBody {
  const char* what;
  std::string frame;
};

void ExpectAllRejected(const std::vector<BadBody>& cases,
                       absl::Status (*read)(absl::string_view)) {
  for (const BadBody& c : cases) {
    SCOPED_TRACE(c.what);
    absl::Status status = read(c.frame);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
}

// Every proper prefix of a valid `frame` is a truncated frame.
void ExpectEveryPrefixRejected(const std::string& frame,
                               absl::Status (*read)(absl::string_view)) {
  for (size_t size = 0; size < frame.size(); ++size) {
    SCOPED_TRACE(absl::StrCat("first ", size, " of ", frame.size(), " bytes"));
    EXPECT_EQ(read(frame.substr(0, size)).code(),
              absl::StatusCode::kInvalidArgument);
  }
}

// A well-formed task and record, as tuples, for hand-made bodies.
auto Task() { return std::make_tuple(1u, 0u, std::make_tuple(), 1u); }
auto Record() {
  return std::make_tuple(1u, "fib"s, std::make_tuple(), 0u, "x"s, 1, 1u, 1u);
}

TEST(TaskBatch, RoundTripsEmptyBatch) {
  TaskBatchWriter writer;
  TaskBatchReader reader;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  EXPECT_EQ(reader.size(), 0u);
  EXPECT_EQ(writer.count(), 0u);
}

TEST(TaskBatch, RoundTripsEveryValue) {
  const std::string large(1 << 20, 'L');
  const std::vector<Value> args = EveryValue(large);
  TaskBatchWriter writer;
  writer.Add(kU64Max, kU32Max, args, kU32Max);
  absl::string_view frame = writer.Finish();
  TaskBatchReader reader;
  ASSERT_TRUE(reader.Open(frame).ok());
  ASSERT_EQ(reader.size(), 1u);
  TaskView task;
  ASSERT_TRUE(reader.Get(0, &task).ok());
  EXPECT_EQ(task.id, kU64Max);
  EXPECT_EQ(task.kind_index, kU32Max);
  EXPECT_EQ(task.attempt, kU32Max);
  ExpectSameValues(task.args, args);
}

TEST(TaskBatch, NonNegativeSignedArgumentsArriveUnsigned) {
  TaskBatchWriter writer;
  writer.Add(1, 0, {Value(int64_t{0}), Value(kI64Max)}, 1);
  TaskBatchReader reader;
  TaskView task;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  ASSERT_TRUE(reader.Get(0, &task).ok());
  ExpectSameValues(task.args, {Value(uint64_t{0}), Value(uint64_t{kI64Max})});
}

TEST(TaskBatch, RoundTripsManyTasksThroughOneView) {
  constexpr uint32_t kTasks = 1000;
  TaskBatchWriter writer;
  std::vector<std::vector<Value>> args(kTasks);
  for (uint32_t i = 0; i < kTasks; ++i) {
    for (uint32_t j = 0; j < i % 5; ++j) args[i].push_back(uint64_t{i + j});
    writer.Add(i, i % 7, args[i], i + 1);
  }
  EXPECT_EQ(writer.count(), kTasks);
  TaskBatchReader reader;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  ASSERT_EQ(reader.size(), kTasks);
  TaskView task;  // reused: no argument may linger from the task before
  for (uint32_t i = 0; i < kTasks; ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(reader.Get(i, &task).ok());
    EXPECT_EQ(task.id, i);
    EXPECT_EQ(task.kind_index, i % 7);
    EXPECT_EQ(task.attempt, i + 1);
    ExpectSameValues(task.args, args[i]);
  }
}

TEST(TaskBatch, ClearStartsANewBatch) {
  TaskBatchWriter writer;
  writer.Add(1, 0, {Value("first")}, 1);
  writer.Add(2, 0, {}, 1);
  ASSERT_TRUE(ReadTasks(writer.Finish()).ok());
  writer.Clear();
  EXPECT_EQ(writer.count(), 0u);
  writer.Add(3, 1, {Value("second")}, 2);
  TaskBatchReader reader;
  TaskView task;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  ASSERT_EQ(reader.size(), 1u);
  ASSERT_TRUE(reader.Get(0, &task).ok());
  EXPECT_EQ(task.id, 3u);
  ExpectSameValues(task.args, {Value("second")});
}

TEST(TaskBatch, AddAfterFinishExtendsTheBatch) {
  TaskBatchWriter writer;
  writer.Add(1, 0, {}, 1);
  writer.Finish();
  writer.Add(2, 0, {}, 1);
  TaskBatchReader reader;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  EXPECT_EQ(reader.size(), 2u);
}

TEST(TaskBatch, AddPackedWritesWhatAddWrites) {
  const std::string large(1 << 16, 'P');
  const std::vector<Value> args = EveryValue(large);
  TaskBatchWriter direct;
  TaskBatchWriter packed;
  direct.Add(7, 3, args, 2);
  direct.Add(8, 0, {}, 1);
  packed.AddPacked(7, 3, PackArgs(args), 2);
  packed.AddPacked(8, 0, PackArgs({}), 1);
  EXPECT_EQ(packed.Finish(), direct.Finish());
}

TEST(TaskBatch, ViewsPointIntoTheFrame) {
  TaskBatchWriter writer;
  writer.Add(1, 0, {Value("alpha"), Value(""), Value("ß")}, 1);
  absl::string_view frame = writer.Finish();
  TaskBatchReader reader;
  TaskView task;
  ASSERT_TRUE(reader.Open(frame).ok());
  ASSERT_TRUE(reader.Get(0, &task).ok());
  for (const Value& v : task.args) {
    EXPECT_TRUE(Inside(std::get<absl::string_view>(v), frame));
  }
}

TEST(TaskBatch, RejectsTruncatedFrame) {
  TaskBatchWriter writer;
  writer.Add(1, 2, {Value(int64_t{-5}), Value(2.5), Value("abc")}, 1);
  writer.Add(kU64Max, 0, {}, 3);
  ExpectEveryPrefixRejected(std::string(writer.Finish()), &ReadTasks);
}

TEST(TaskBatch, RejectsMalformedTasks) {
  const auto no_args = std::make_tuple();
  ExpectAllRejected(
      {{"task not an array", Pack(5u)},
       {"three fields", Pack(std::make_tuple(1u, 0u, no_args))},
       {"five fields", Pack(std::make_tuple(1u, 0u, no_args, 1u, 1u))},
       {"second task bad", Pack(Task(), 7u)},
       {"id a string", Pack(std::make_tuple("1"s, 0u, no_args, 1u))},
       {"id negative", Pack(std::make_tuple(-1, 0u, no_args, 1u))},
       {"id a float", Pack(std::make_tuple(1.5, 0u, no_args, 1u))},
       {"kind index over uint32",
        Pack(std::make_tuple(1u, uint64_t{kU32Max} + 1, no_args, 1u))},
       {"args not an array", Pack(std::make_tuple(1u, 0u, 5u, 1u))},
       {"args a map", Pack(std::make_tuple(1u, 0u, std::map<int, int>{}, 1u))},
       {"nil argument",
        Pack(std::make_tuple(1u, 0u, std::make_tuple(msgpack::type::nil_t()),
                             1u))},
       {"bool argument",
        Pack(std::make_tuple(1u, 0u, std::make_tuple(true), 1u))},
       {"bin argument",
        Pack(std::make_tuple(1u, 0u, std::make_tuple(std::vector<char>{1}),
                             1u))},
       {"empty bin argument",
        Pack(
            std::make_tuple(1u, 0u, std::make_tuple(std::vector<char>{}), 1u))},
       {"empty array argument",
        Pack(std::make_tuple(1u, 0u, std::make_tuple(no_args), 1u))},
       {"nested argument",
        Pack(std::make_tuple(1u, 0u, std::make_tuple(std::make_tuple(1)), 1u))},
       {"attempt negative", Pack(std::make_tuple(1u, 0u, no_args, -1))},
       {"attempt over uint32",
        Pack(std::make_tuple(1u, 0u, no_args, uint64_t{kU32Max} + 1))}},
      &ReadTasks);
}

TEST(TaskBatch, RejectsTooManyArguments) {
  std::vector<Value> args(kMaxArgs, Value(uint64_t{1}));
  TaskBatchWriter writer;
  writer.Add(1, 0, args, 1);
  EXPECT_TRUE(ReadTasks(writer.Finish()).ok());
  args.push_back(uint64_t{1});
  writer.Clear();
  writer.Add(1, 0, args, 1);
  EXPECT_EQ(ReadTasks(writer.Finish()).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BodyReader, RejectsMalformedBatches) {
  const Raw array32_of_4g{"\xdd\xff\xff\xff\xff"};
  std::string over_batch_limit =
      PackSeq(Raw{"\xdd\x00\x01\x00\x01"s}) + std::string(kMaxBatchSize + 1, 0);
  ExpectAllRejected(
      {{"empty frame", ""},
       {"an integer", PackSeq(1u)},
       {"a string", PackSeq("tasks"s)},
       {"a map", PackSeq(std::map<int, int>{{1, 2}})},
       {"an empty map", PackSeq(std::map<int, int>{})},
       {"array of 4G elements, 5 bytes", PackSeq(array32_of_4g)},
       {"task claiming 4G fields", Pack(array32_of_4g)},
       {"kMaxBatchSize + 1 elements", over_batch_limit},
       {"oversized frame", std::string(kMaxBodyBytes + 1, '\x90')},
       {"trailing bytes", Pack(Task()) + "\x01"}},
      &ReadTasks);
}

TEST(BodyReader, AcceptsAFullBatch) {
  std::string full =
      PackSeq(Raw{"\xdd\x00\x01\x00\x00"s}) + std::string(kMaxBatchSize, 0);
  TaskBatchReader reader;
  ASSERT_TRUE(reader.Open(full).ok());
  EXPECT_EQ(reader.size(), kMaxBatchSize);
}

TEST(BodyReader, FailedOpenForgetsThePreviousBatch) {
  TaskBatchWriter writer;
  writer.Add(1, 0, {}, 1);
  TaskBatchReader reader;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  ASSERT_EQ(reader.size(), 1u);
  EXPECT_FALSE(reader.Open("\x91").ok());
  EXPECT_EQ(reader.size(), 0u);
}

TEST(RecordBatch, RoundTripsEveryValueAndStatus) {
  const std::string large(1 << 20, 'R');
  const std::vector<Value> args = EveryValue(large);
  const TaskStatus statuses[] = {TaskStatus::kOk, TaskStatus::kError,
                                 TaskStatus::kCrashed, TaskStatus::kTimeout,
                                 TaskStatus::kOom};
  static_assert(std::size(statuses) == kTaskStatusCount);
  const int64_t pids[] = {kI64Min, -1, 0, 1, kI64Max};
  RecordWriter writer;
  for (int i = 0; i < kTaskStatusCount; ++i) {
    writer.Add(kU64Max - static_cast<uint64_t>(i), "fïb ✓", args, statuses[i],
               i == 0 ? absl::string_view(large) : "", pids[i], kU32Max,
               kU64Max);
  }
  RecordReader reader;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  ASSERT_EQ(reader.size(), static_cast<size_t>(kTaskStatusCount));
  RecordView record;
  for (int i = 0; i < kTaskStatusCount; ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(reader.Get(static_cast<size_t>(i), &record).ok());
    EXPECT_EQ(record.id, kU64Max - static_cast<uint64_t>(i));
    EXPECT_EQ(record.kind, "fïb ✓");
    ExpectSameValues(record.args, args);
    EXPECT_EQ(record.status, statuses[i]);
    EXPECT_EQ(record.result, i == 0 ? absl::string_view(large) : "");
    EXPECT_EQ(record.worker_pid, pids[i]);
    EXPECT_EQ(record.attempts, kU32Max);
    EXPECT_EQ(record.elapsed_us, kU64Max);
  }
}

TEST(RecordBatch, RoundTripsEmptyBatchAfterClear) {
  RecordWriter writer;
  writer.Add(1, "k", {}, TaskStatus::kOk, "r", 1, 1, 1);
  writer.Clear();
  RecordReader reader;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  EXPECT_EQ(reader.size(), 0u);
  writer.Add(2, "k2", {}, TaskStatus::kError, "r2", 2, 2, 2);
  RecordView record;
  ASSERT_TRUE(reader.Open(writer.Finish()).ok());
  ASSERT_EQ(reader.size(), 1u);
  ASSERT_TRUE(reader.Get(0, &record).ok());
  EXPECT_EQ(record.id, 2u);
  EXPECT_EQ(record.kind, "k2");
  EXPECT_EQ(record.result, "r2");
}

TEST(RecordBatch, AddPackedWritesWhatAddWrites) {
  const std::string large(1 << 16, 'P');
  const std::vector<Value> args = EveryValue(large);
  RecordWriter direct;
  RecordWriter packed;
  direct.Add(7, "kind", args, TaskStatus::kTimeout, "res", -3, 4, 5);
  packed.AddPacked(7, "kind", PackArgs(args), TaskStatus::kTimeout, "res", -3,
                   4, 5);
  EXPECT_EQ(packed.Finish(), direct.Finish());
}

TEST(RecordBatch, ViewsPointIntoTheFrame) {
  RecordWriter writer;
  writer.Add(1, "kind", {Value("arg")}, TaskStatus::kOk, "result", 1, 1, 1);
  absl::string_view frame = writer.Finish();
  RecordReader reader;
  RecordView record;
  ASSERT_TRUE(reader.Open(frame).ok());
  ASSERT_TRUE(reader.Get(0, &record).ok());
  EXPECT_TRUE(Inside(record.kind, frame));
  EXPECT_TRUE(Inside(record.result, frame));
  EXPECT_TRUE(Inside(std::get<absl::string_view>(record.args[0]), frame));
}

TEST(RecordBatch, RejectsTruncatedFrame) {
  RecordWriter writer;
  writer.Add(1, "fib", {Value(uint64_t{30})}, TaskStatus::kOk, "832040", -7, 1,
             12);
  writer.Add(2, "", {}, TaskStatus::kOom, "", 0, 0, 0);
  ExpectEveryPrefixRejected(std::string(writer.Finish()), &ReadRecords);
  ExpectEveryPrefixRejected(std::string(writer.Finish()), &ScanRecords);
}

TEST(RecordBatch, RejectsMalformedRecords) {
  const auto a = std::make_tuple();  // no arguments
  const std::string k = "fib";
  const uint64_t big = uint64_t{kI64Max} + 1;
  for (auto read : {&ReadRecords, &ScanRecords}) ExpectAllRejected(
      {{"record not an array", Pack("record"s)},
       {"seven fields", Pack(std::make_tuple(1u, k, a, 0u, k, 1, 1u))},
       {"nine fields", Pack(std::make_tuple(1u, k, a, 0u, k, 1, 1u, 1u, 1u))},
       {"second record bad", Pack(Record(), Task())},
       {"id a string", Pack(std::make_tuple(k, k, a, 0u, k, 1, 1u, 1u))},
       {"kind an int", Pack(std::make_tuple(1u, 1u, a, 0u, k, 1, 1u, 1u))},
       {"kind a bin",
        Pack(std::make_tuple(1u, std::vector<char>{'k'}, a, 0u, k, 1, 1u, 1u))},
       {"args a string", Pack(std::make_tuple(1u, k, k, 0u, k, 1, 1u, 1u))},
       {"status kTaskStatusCount",
        Pack(std::make_tuple(1u, k, a, uint32_t{kTaskStatusCount}, k, 1, 1u,
                             1u))},
       {"status 255", Pack(std::make_tuple(1u, k, a, 255u, k, 1, 1u, 1u))},
       {"status 2^32",
        Pack(std::make_tuple(1u, k, a, uint64_t{1} << 32, k, 1, 1u, 1u))},
       {"status negative", Pack(std::make_tuple(1u, k, a, -1, k, 1, 1u, 1u))},
       {"status a string", Pack(std::make_tuple(1u, k, a, k, k, 1, 1u, 1u))},
       {"result an int", Pack(std::make_tuple(1u, k, a, 0u, 5u, 1, 1u, 1u))},
       {"result an empty bin",
        Pack(std::make_tuple(1u, k, a, 0u, std::vector<char>{}, 1, 1u, 1u))},
       {"pid over int64", Pack(std::make_tuple(1u, k, a, 0u, k, big, 1u, 1u))},
       {"pid a float", Pack(std::make_tuple(1u, k, a, 0u, k, 0.5, 1u, 1u))},
       {"attempts over uint32",
        Pack(std::make_tuple(1u, k, a, 0u, k, 1, uint64_t{kU32Max} + 1, 1u))},
       {"elapsed negative", Pack(std::make_tuple(1u, k, a, 0u, k, 1, 1u, -1))}},
      read);
}

TEST(RecordScanner, ReadsWhatTheReaderReads) {
  RecordWriter writer;
  writer.Add(7, "fib", {Value(uint64_t{30}), Value(-2.5), Value(absl::string_view("x y"))},
             TaskStatus::kOk, "832040", -7, 1, 12);
  writer.Add(uint64_t{1} << 40, "", {}, TaskStatus::kOom, "", 0, 0, 300000);
  const std::string frame(writer.Finish());
  RecordScanner scan;
  RecordHead head;
  ASSERT_TRUE(scan.Start(frame).ok());
  ASSERT_EQ(scan.size(), 2u);
  ASSERT_TRUE(scan.Next(&head).ok());
  EXPECT_EQ(head.id, 7u);
  EXPECT_EQ(head.status, TaskStatus::kOk);
  EXPECT_EQ(head.elapsed_us, 12u);
  ASSERT_TRUE(scan.Next(&head).ok());
  EXPECT_EQ(head.id, uint64_t{1} << 40);
  EXPECT_EQ(head.status, TaskStatus::kOom);
  EXPECT_EQ(head.elapsed_us, 300000u);
  EXPECT_TRUE(scan.Finish().ok());
}

TEST(RecordScanner, RefusesBytesAfterTheLastRecord) {
  RecordWriter writer;
  writer.Add(1, "k", {}, TaskStatus::kOk, "", 1, 1, 1);
  EXPECT_EQ(ScanRecords(std::string(writer.Finish()) + "\xc0").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ScanRecords(Pack(Task())).code(), absl::StatusCode::kInvalidArgument);
}

TEST(RecordBatch, ReadersRefuseEachOthersBodies) {
  TaskBatchWriter tasks;
  tasks.Add(1, 0, {}, 1);
  RecordWriter records;
  records.Add(1, "k", {}, TaskStatus::kOk, "", 1, 1, 1);
  EXPECT_EQ(ReadRecords(tasks.Finish()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadTasks(records.Finish()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ReadRecords(Pack(Record())).ok());
  EXPECT_TRUE(ReadTasks(Pack(Task())).ok());
}

}  // namespace
}  // namespace taskfarm::proto
