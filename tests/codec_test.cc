// File: tests/codec_test.cc
//
// proto::Codec: every message kind survives a round trip with extreme field
// values, and every malformed header frame is refused with kInvalidArgument
// (never a crash), by Decode and, for a bad envelope, by PeekType too.

#include "proto/codec.h"

#include <cstdint>
#include <limits>
#include <map>
#include <msgpack.hpp>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/messages.h"
#include "tests/testutil/pack.h"

namespace taskfarm::proto {
namespace {

using testutil::Pack;
using testutil::PackSeq;
using testutil::Raw;
using std::string_literals::operator""s;

constexpr uint32_t kV = kProtocolVersion;
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
const std::string kUnicode = "wörker ✓ 日本語 🚀";

struct Sample {
  MessageType type;
  Message message;
};

// One message of every kind, every field away from its default.
std::vector<Sample> Samples() {
  return {
      {MessageType::kHello,
       Hello{.worker_id = "w-" + kUnicode,
             .pid = kI64Min,
             .host = "höst.example",
             .cores = kU32Max,
             .version = "1.2.3-ß",
             .kinds = {{"fib", "int", "the n-th Fibonacci number ✓"},
                       {"echo", "str str...", kUnicode}}}},
      {MessageType::kWelcome, Welcome{.heartbeat_ms = kU32Max,
                                      .liveness = 7,
                                      .timeout_ms = kU64Max,
                                      .max_memory_mb = kU64Max - 1,
                                      .results_dir = "/tmp/résultats"}},
      {MessageType::kTasks, Tasks{.batch_id = kU64Max, .count = kU32Max}},
      {MessageType::kResults, Results{.batch_id = kU64Max,
                                      .offset = kU32Max,
                                      .count = 3,
                                      .elapsed_us = kU64Max,
                                      .by_status = {1, 2, 3, 4, kU32Max}}},
      {MessageType::kFatal, Fatal{.batch_id = kU64Max,
                                  .index = kU32Max,
                                  .kind = FatalKind::kTimeout,
                                  .reason = "std::bad_alloc ✗ " + kUnicode}},
      {MessageType::kHeartbeat, Heartbeat{.worker_id = kUnicode,
                                          .batch_id = kU64Max,
                                          .index = kU32Max,
                                          .running_ms = kU64Max,
                                          .rss_kb = kU64Max,
                                          .batches = kU64Max - 2}},
      {MessageType::kShutdown, Shutdown{.reason = "SIGTERM " + kUnicode}},
      {MessageType::kLoggerHello, LoggerHello{.pid = kI64Max}},
      {MessageType::kLoggerWelcome, LoggerWelcome{.total = kU64Max}},
      {MessageType::kLog, Log{.seq = kU64Max}},
      {MessageType::kAck, Ack{.seq = kU64Max}},
      {MessageType::kProgress, Progress{.total = kU64Max,
                                        .done = kU64Max - 1,
                                        .failed = kU64Max - 2,
                                        .workers = kU32Max,
                                        .elapsed_ms = kU64Max}},
      {MessageType::kRejoin,
       Rejoin{.reason = std::string("lost: silent for 3s\0\xff", 22)}},
      {MessageType::kBadBatch,
       BadBatch{.batch_id = kU64Max, .reason = "bad frame: batch too large " + kUnicode}},
  };
}

// A default-constructed message of every kind.
template <size_t... I>
std::vector<Message> Defaults(std::index_sequence<I...>) {
  return {Message(std::in_place_index<I>)...};
}

void ExpectInvalid(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
}

// Decode must refuse `frame`; PeekType must too when `envelope_is_bad`.
void ExpectRejected(const std::string& frame, bool envelope_is_bad) {
  ExpectInvalid(Codec::Decode(frame).status());
  if (envelope_is_bad) ExpectInvalid(Codec::PeekType(frame).status());
}

struct BadFrame {
  const char* what;
  std::string frame;
};

void ExpectAllRejected(const std::vector<BadFrame>& cases,
                       bool envelope_is_bad) {
  for (const BadFrame& c : cases) {
    SCOPED_TRACE(c.what);
    ExpectRejected(c.frame, envelope_is_bad);
  }
}

TEST(Codec, SamplesCoverEveryMessageKind) {
  std::set<size_t> kinds;
  std::set<MessageType> types;
  for (const Sample& s : Samples()) {
    kinds.insert(s.message.index());
    types.insert(s.type);
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<Message>);
  EXPECT_EQ(types.size(), std::variant_size_v<Message>);
}

TEST(Codec, RoundTripsEveryMessageKind) {
  for (const Sample& s : Samples()) {
    SCOPED_TRACE(static_cast<int>(s.type));
    std::string frame = Codec::Encode(s.message);
    absl::StatusOr<Message> decoded = Codec::Decode(frame);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_TRUE(*decoded == s.message);
    absl::StatusOr<MessageType> type = Codec::PeekType(frame);
    ASSERT_TRUE(type.ok()) << type.status();
    EXPECT_EQ(*type, s.type);
  }
}

TEST(Codec, RoundTripsDefaultMessages) {
  for (const Message& m :
       Defaults(std::make_index_sequence<std::variant_size_v<Message>>())) {
    SCOPED_TRACE(m.index());
    absl::StatusOr<Message> decoded = Codec::Decode(Codec::Encode(m));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_TRUE(*decoded == m);
  }
}

TEST(Codec, RoundTripsEveryFatalKind) {
  for (FatalKind kind :
       {FatalKind::kException, FatalKind::kOom, FatalKind::kTimeout}) {
    SCOPED_TRACE(static_cast<int>(kind));
    Message m = Fatal{.batch_id = 1, .index = 2, .kind = kind, .reason = "r"};
    absl::StatusOr<Message> decoded = Codec::Decode(Codec::Encode(m));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_TRUE(*decoded == m);
  }
}

TEST(Codec, WritesTheDocumentedWireForm) {
  EXPECT_EQ(Codec::Encode(Ack{.seq = 7}), Pack(kV, 11u, 7u));
  EXPECT_EQ(Codec::Encode(Tasks{.batch_id = 5, .count = 2}),
            Pack(kV, 3u, 5u, 2u));
}

TEST(Codec, DecodesWiderIntegerEncodings) {
  // Another msgpack writer may use an array16 header and uint64 fields.
  std::string frame =
      PackSeq(Raw{"\xdc\x00\x03"s}, Raw{"\xcf"s},
              Raw{"\0\0\0\0\0\0\0"s + static_cast<char>(kV)},
              Raw{"\xcc\x0b"s}, Raw{"\xcd\x00\x07"s});
  absl::StatusOr<Message> decoded = Codec::Decode(frame);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(*decoded == Message(Ack{.seq = 7}));
  absl::StatusOr<MessageType> type = Codec::PeekType(frame);
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(*type, MessageType::kAck);
}

TEST(Codec, RejectsEmptyFrame) { ExpectRejected("", /*envelope_is_bad=*/true); }

TEST(Codec, RejectsTruncatedFrame) {
  for (const Sample& s : Samples()) {
    std::string frame = Codec::Encode(s.message);
    for (size_t size = 0; size < frame.size(); ++size) {
      SCOPED_TRACE(absl::StrCat("type ", static_cast<int>(s.type), ", first ",
                                size, " of ", frame.size(), " bytes"));
      ExpectInvalid(Codec::Decode(frame.substr(0, size)).status());
    }
  }
}

TEST(Codec, RejectsTrailingBytes) {
  std::string ack = Codec::Encode(Ack{.seq = 7});
  ExpectAllRejected({{"a zero byte", ack + "\0"s},
                     {"a second message", ack + ack},
                     {"an array of one, then a byte", Pack(kV) + "\x0b"}},
                    /*envelope_is_bad=*/false);
}

TEST(Codec, RejectsWrongProtocolVersion) {
  ExpectAllRejected({{"version 0", Pack(0u, 11u, 7u)},
                     {"next version", Pack(kV + 1, 11u, 7u)},
                     {"version 2^40", Pack(uint64_t{1} << 40, 11u, 7u)},
                     {"negative version", Pack(int64_t{-1}, 11u, 7u)},
                     {"string version", Pack(std::string("1"), 11u, 7u)}},
                    /*envelope_is_bad=*/true);
}

TEST(Codec, RejectsUnknownType) {
  ExpectAllRejected({{"type 0", Pack(kV, 0u, 7u)},
                     {"type 15", Pack(kV, 15u, 7u)},
                     {"type 127", Pack(kV, 127u, 7u)},
                     {"type 255", Pack(kV, 255u, 7u)},
                     {"type 256 (past uint8)", Pack(kV, 256u + 11u, 7u)},
                     {"negative type", Pack(kV, int64_t{-11}, 7u)},
                     {"string type", Pack(kV, std::string("ack"), 7u)}},
                    /*envelope_is_bad=*/true);
}

TEST(Codec, RejectsMissingEnvelope) {
  ExpectAllRejected({{"empty array", Pack()},
                     {"version only", Pack(kV)},
                     {"an integer", PackSeq(1u)},
                     {"a string", PackSeq(std::string("hello"))},
                     {"nil", PackSeq(msgpack::type::nil_t())}},
                    /*envelope_is_bad=*/true);
}

TEST(Codec, RejectsWrongFieldCount) {
  ExpectAllRejected(
      {{"ack without seq", Pack(kV, 11u)},
       {"ack with two fields", Pack(kV, 11u, 7u, 8u)},
       {"hello with one field", Pack(kV, 1u, std::string("w"))},
       {"progress with four fields", Pack(kV, 12u, 1u, 2u, 3u, 4u)},
       {"heartbeat without its batch count",
        Pack(kV, 6u, std::string("w"), 1u, 0u, 9u, 1024u)}},
      /*envelope_is_bad=*/false);
}

TEST(Codec, RejectsWrongFieldType) {
  using Kind3 = std::tuple<std::string, std::string, std::string>;
  const std::string w = "w";
  ExpectAllRejected(
      {{"string for uint64", Pack(kV, 11u, std::string("7"))},
       {"negative for uint64", Pack(kV, 11u, int64_t{-1})},
       {"float for uint64", Pack(kV, 11u, 7.5)},
       {"float64 7.0 for uint64",
        Pack(kV, 11u, Raw{"\xcb\x40\x1c\0\0\0\0\0\0"s})},
       {"bool for uint64", Pack(kV, 11u, true)},
       {"nil for uint64", Pack(kV, 11u, msgpack::type::nil_t())},
       {"uint32 out of range", Pack(kV, 3u, 1u, uint64_t{kU32Max} + 1)},
       {"negative for uint32", Pack(kV, 3u, 1u, int64_t{-1})},
       {"int64 out of range", Pack(kV, 8u, uint64_t{kI64Max} + 1)},
       {"uint8 enum out of range", Pack(kV, 5u, 1u, 2u, 256u, w)},
       {"unknown fatal kind", Pack(kV, 5u, 1u, 2u, 3u, w)},
       {"negative fatal kind", Pack(kV, 5u, 1u, 2u, int64_t{-1}, w)},
       {"int for string", Pack(kV, 7u, 5u)},
       {"array for string", Pack(kV, 7u, std::vector<int>{})},
       {"four status counts",
        Pack(kV, 4u, 1u, 0u, 0u, 0u, std::vector<uint32_t>{1, 2, 3, 4})},
       {"six status counts",
        Pack(kV, 4u, 1u, 0u, 0u, 0u, std::vector<uint32_t>(6, 1))},
       {"negative status count",
        Pack(kV, 4u, 1u, 0u, 0u, 0u, std::vector<int64_t>{1, 2, 3, 4, -1})},
       {"kinds not an array", Pack(kV, 1u, w, 1, w, 4u, w, w)},
       {"kind of two fields",
        Pack(kV, 1u, w, 1, w, 4u, w,
             std::vector<std::tuple<std::string, std::string>>{{w, w}})},
       {"kind name an int",
        Pack(
            kV, 1u, w, 1, w, 4u, w,
            std::vector<std::tuple<int, std::string, std::string>>{{1, w, w}})},
       {"second kind bad",
        Pack(kV, 1u, w, 1, w, 4u, w, std::make_tuple(Kind3{w, w, w}, 5u))}},
      /*envelope_is_bad=*/false);
}

TEST(Codec, RejectsMapOrBinWhereNotExpected) {
  const std::string w = "w";
  ExpectAllRejected(
      {{"bin for string", Pack(kV, 7u, std::vector<char>{'x'})},
       {"empty bin for string", Pack(kV, 7u, std::vector<char>{})},
       {"ext for string", Pack(kV, 7u, Raw{"\xd4\x01\x00"s})},
       {"map for string", Pack(kV, 7u, std::map<int, int>{{1, 2}})},
       {"empty map for string", Pack(kV, 7u, std::map<int, int>{})},
       {"empty map for kinds",
        Pack(kV, 1u, w, 1, w, 4u, w, std::map<int, int>{})},
       {"bin for uint64", Pack(kV, 11u, std::vector<char>{7})}},
      /*envelope_is_bad=*/false);
  ExpectAllRejected({{"map frame", PackSeq(std::map<int, int>{{1, 11}})},
                     {"empty map frame", PackSeq(std::map<int, int>{})},
                     {"bin frame", PackSeq(std::vector<char>{1, 11, 7})}},
                    /*envelope_is_bad=*/true);
}

TEST(Codec, RejectsOversizedFrame) {
  std::string frame =
      Codec::Encode(Shutdown{.reason = std::string(kMaxHeaderBytes, 'x')});
  ASSERT_GT(frame.size(), kMaxHeaderBytes);
  ExpectRejected(frame, /*envelope_is_bad=*/true);
}

TEST(Codec, RejectsOversizedString) {
  std::string at_limit(kMaxHeaderStringBytes, 'x');
  EXPECT_TRUE(Codec::Decode(Codec::Encode(Shutdown{.reason = at_limit})).ok());
  ExpectRejected(Codec::Encode(Shutdown{.reason = at_limit + "x"}),
                 /*envelope_is_bad=*/false);
}

TEST(Codec, RejectsNestingTooDeep) {
  const std::string w = "w";
  auto deep = std::make_tuple(std::make_tuple(
      std::make_tuple(std::make_tuple(std::make_tuple(std::make_tuple(w))))));
  ExpectAllRejected({{"deep string field", Pack(kV, 7u, deep)},
                     {"deep kinds", Pack(kV, 1u, w, 1, w, 4u, w, deep)}},
                    /*envelope_is_bad=*/false);
}

TEST(Codec, RejectsHugeCountsWithFewBytes) {
  const std::string w = "w";
  const Raw array32{"\xdd\xff\xff\xff\xff"};
  const Raw map32{"\xdf\xff\xff\xff\xff"};
  const Raw str32{"\xdb\xff\xff\xff\xff"};
  ExpectAllRejected(
      {{"frame of 4G elements", PackSeq(array32, kV, 11u, 7u)},
       {"frame of 64K elements", PackSeq(Raw{"\xdc\xff\xff"s}, kV, 11u, 7u)},
       {"map frame of 4G pairs", PackSeq(map32, kV, 11u)}},
      /*envelope_is_bad=*/true);
  ExpectAllRejected({{"4G kinds", Pack(kV, 1u, w, 1, w, 4u, w, array32)},
                     {"4G pairs", Pack(kV, 7u, map32)},
                     {"4 GiB string", Pack(kV, 7u, str32, Raw{"abc"})}},
                    /*envelope_is_bad=*/false);
}

TEST(Codec, PeekTypeAgreesWithDecode) {
  std::vector<std::string> frames;
  for (const Sample& s : Samples()) frames.push_back(Codec::Encode(s.message));
  // Fast-path look-alikes that are no envelope.
  frames.push_back(Pack(kV) + "\x0b");
  frames.push_back(Pack() + PackSeq(kV, 11u));
  frames.push_back(Pack(kV, 11u) + "\x07");
  frames.push_back(PackSeq(Raw{"\x91"s}, kV, 11u, 7u));
  for (const std::string& frame : frames) {
    SCOPED_TRACE(absl::CEscape(frame));
    absl::StatusOr<Message> decoded = Codec::Decode(frame);
    absl::StatusOr<MessageType> type = Codec::PeekType(frame);
    if (decoded.ok()) {
      ASSERT_TRUE(type.ok()) << type.status();
      EXPECT_EQ(*type, Codec::PeekType(Codec::Encode(*decoded)).value());
    }
    if (!type.ok()) ExpectInvalid(decoded.status());
  }
  // An envelope of fewer than two elements is no message.
  ExpectInvalid(Codec::PeekType(Pack(kV) + "\x0b").status());
  ExpectInvalid(Codec::PeekType(Pack() + PackSeq(kV, 11u)).status());
}

}  // namespace
}  // namespace taskfarm::proto
