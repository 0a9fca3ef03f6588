// File: tests/batch_bytes_test.cc
//
// The body writers (proto/batch.h) encode values themselves rather than
// through msgpack-c's packer; they must still write exactly the bytes the
// packer writes (the smallest encoding of each integer, a non-negative
// signed integer as an unsigned one, strings as fixstr/str8/16/32, arrays
// as fixarray/array16/32), with a double always as a float64. Checked at
// every boundary of every encoding.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/batch.h"
#include "proto/value.h"

namespace taskfarm::proto {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

std::vector<uint64_t> Uints() {
  std::vector<uint64_t> v;
  for (uint64_t edge : {uint64_t{0x80}, uint64_t{0x100}, uint64_t{0x10000},
                        uint64_t{0x100000000}}) {
    v.push_back(edge - 1);
    v.push_back(edge);
  }
  v.push_back(0);
  v.push_back(std::numeric_limits<uint64_t>::max());
  return v;
}

std::vector<int64_t> Ints() {
  std::vector<int64_t> v = {std::numeric_limits<int64_t>::min(),
                            std::numeric_limits<int64_t>::max(), 0, 1};
  for (int64_t edge : {int64_t{-32}, int64_t{-128}, int64_t{-32768},
                       int64_t{-2147483648LL}, int64_t{0x80}, int64_t{0x100},
                       int64_t{0x10000}, int64_t{0x100000000}}) {
    v.push_back(edge - 1);
    v.push_back(edge);
  }
  return v;
}

std::vector<std::string> Strings() {
  std::vector<std::string> v;
  for (size_t n : {0, 1, 31, 32, 255, 256, 65535, 65536}) {
    v.push_back(std::string(n, 's'));
  }
  return v;
}

std::vector<double> Doubles() {
  return {0.0, -0.0, 1.0, -2.5, 1e300,
          std::numeric_limits<double>::infinity(),
          std::numeric_limits<double>::quiet_NaN()};
}

// A float64 as the msgpack spec lays it out: 0xcb, then the IEEE 754 bits
// big-endian. msgpack-c's pack_double writes an integral double as an
// integer (0.0 as 0x00), which would not read back as a float.
void PackFloat64(msgpack::sbuffer& buffer, double d) {
  const uint64_t bits = std::bit_cast<uint64_t>(d);
  char bytes[9] = {'\xcb'};
  for (int i = 0; i < 8; ++i) {
    bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  }
  buffer.write(bytes, sizeof(bytes));
}

// What the packer writes for `values` as one array (doubles as float64) to
// `buffer`, which `pk` writes to.
void PackValues(msgpack::sbuffer& buffer, Packer& pk,
                const std::vector<Value>& values) {
  pk.pack_array(static_cast<uint32_t>(values.size()));
  for (const Value& v : values) {
    if (const auto* i = std::get_if<int64_t>(&v)) pk.pack(*i);
    if (const auto* u = std::get_if<uint64_t>(&v)) pk.pack(*u);
    if (const auto* d = std::get_if<double>(&v)) PackFloat64(buffer, *d);
    if (const auto* s = std::get_if<absl::string_view>(&v)) {
      pk.pack_str(static_cast<uint32_t>(s->size()));
      pk.pack_str_body(s->data(), static_cast<uint32_t>(s->size()));
    }
  }
}

std::string Hex(absl::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes.substr(0, 64)) absl::StrAppend(&out, absl::Hex(c, absl::kZeroPad2));
  return out;
}

// Every value alone, then all of them together.
std::vector<std::vector<Value>> ArgumentLists(const std::vector<std::string>& strings) {
  std::vector<std::vector<Value>> lists;
  std::vector<Value> all;
  for (uint64_t u : Uints()) all.push_back(u);
  for (int64_t i : Ints()) all.push_back(i);
  for (double d : Doubles()) all.push_back(d);
  for (const std::string& s : strings) all.push_back(absl::string_view(s));
  for (const Value& v : all) lists.push_back({v});
  lists.push_back(all);
  lists.push_back({});
  for (size_t n : {15, 16, 65535, 65536}) {
    lists.push_back(std::vector<Value>(n, Value(uint64_t{7})));
  }
  return lists;
}

TEST(BatchBytes, PackArgsWritesWhatMsgpackWrites) {
  const std::vector<std::string> strings = Strings();
  for (const std::vector<Value>& args : ArgumentLists(strings)) {
    msgpack::sbuffer want;
    Packer pk(want);
    PackValues(want, pk, args);
    const std::string got = PackArgs(args);
    ASSERT_EQ(got, absl::string_view(want.data(), want.size()))
        << args.size() << " args: " << Hex(got) << " != "
        << Hex(absl::string_view(want.data(), want.size()));
  }
}

TEST(BatchBytes, TaskBatchWriterWritesWhatMsgpackWrites) {
  const std::vector<std::string> strings = Strings();
  const std::vector<std::vector<Value>> lists = ArgumentLists(strings);
  TaskBatchWriter writer;
  msgpack::sbuffer want;
  Packer pk(want);
  const char header[] = {'\xdd', 0, 0, 0, 0};
  want.write(header, sizeof(header));
  const std::vector<uint64_t> ids = Uints();
  // Every argument list at least once, every id with small numbers 0, the
  // id itself and 2^32 - 1 (kind and attempt are 32 bits).
  for (size_t k = 0; k < std::max(lists.size(), 3 * ids.size()); ++k) {
    const uint64_t id = ids[k % ids.size()];
    const uint64_t n[] = {0, id, std::numeric_limits<uint64_t>::max()};
    const uint32_t small = static_cast<uint32_t>(n[k % 3]);
    const std::vector<Value>& args = lists[k % lists.size()];
    writer.Add(id, small, args, small);
    pk.pack_array(4);
    pk.pack(id);
    pk.pack(small);
    PackValues(want, pk, args);
    pk.pack(small);
  }
  EXPECT_EQ(writer.elements(), absl::string_view(want.data(), want.size()).substr(5));
}

TEST(BatchBytes, RecordWriterWritesWhatMsgpackWrites) {
  const std::vector<std::string> strings = Strings();
  const std::vector<std::vector<Value>> lists = ArgumentLists(strings);
  RecordWriter writer;
  RecordWriter packed;
  msgpack::sbuffer want;
  Packer pk(want);
  size_t k = 0;
  for (int64_t pid : Ints()) {
    for (uint64_t u : Uints()) {
      const std::vector<Value>& args = lists[k % lists.size()];
      const std::string& text = strings[k % strings.size()];
      const std::string& kind = strings[(k / 3) % 4];
      const auto status = static_cast<TaskStatus>(k % kTaskStatusCount);
      const uint32_t attempts = static_cast<uint32_t>(u);
      ++k;
      writer.Add(u, kind, args, status, text, pid, attempts, u);
      packed.AddPacked(u, kind, PackArgs(args), status, text, pid, attempts, u);
      pk.pack_array(8);
      pk.pack(u);
      pk.pack_str(static_cast<uint32_t>(kind.size()));
      pk.pack_str_body(kind.data(), static_cast<uint32_t>(kind.size()));
      PackValues(want, pk, args);
      pk.pack(static_cast<uint8_t>(status));
      pk.pack_str(static_cast<uint32_t>(text.size()));
      pk.pack_str_body(text.data(), static_cast<uint32_t>(text.size()));
      pk.pack(pid);
      pk.pack(attempts);
      pk.pack(u);
    }
  }
  const absl::string_view expected(want.data(), want.size());
  EXPECT_EQ(writer.elements(), expected);
  EXPECT_EQ(packed.elements(), expected);
}

TEST(BatchBytes, ClearKeepsNothingAndFinishCountsElements) {
  RecordWriter writer;
  writer.Add(1, "k", {}, TaskStatus::kOk, std::string(100000, 'x'), 1, 1, 1);
  writer.Clear();
  writer.Add(2, "k", {}, TaskStatus::kOk, "r", 2, 1, 0);
  msgpack::sbuffer want;
  Packer pk(want);
  pk.pack_array(8);
  pk.pack(uint64_t{2});
  pk.pack_str(1);
  pk.pack_str_body("k", 1);
  pk.pack_array(0);
  pk.pack(uint8_t{0});
  pk.pack_str(1);
  pk.pack_str_body("r", 1);
  pk.pack(int64_t{2});
  pk.pack(uint32_t{1});
  pk.pack(uint64_t{0});
  EXPECT_EQ(writer.Finish(),
            absl::StrCat(absl::string_view("\xdd\x00\x00\x00\x01", 5),
                         absl::string_view(want.data(), want.size())));
}

}  // namespace
}  // namespace taskfarm::proto
