#include "proto/batch.h"

#include <bit>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "proto/internal/unpack.h"

namespace taskfarm::proto {
namespace {

constexpr size_t kArrayHeaderBytes = 5;  // 0xdd + big-endian uint32

constexpr internal::Limits kBodyLimits{
    .max_bytes = kMaxBodyBytes,
    .array = kMaxBatchSize > kMaxArgs ? kMaxBatchSize : kMaxArgs,
    .str = kMaxBodyBytes,
    .depth = 3};

absl::Status Malformed(const char* what) {
  return absl::InvalidArgumentError(absl::StrCat("bad frame: ", what));
}

bool ToU64(const msgpack::object& o, uint64_t* out) {
  if (o.type != msgpack::type::POSITIVE_INTEGER) return false;
  *out = o.via.u64;
  return true;
}

bool ToU32(const msgpack::object& o, uint32_t* out) {
  uint64_t v;
  if (!ToU64(o, &v) || v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

bool ToI64(const msgpack::object& o, int64_t* out) {
  if (o.type == msgpack::type::NEGATIVE_INTEGER) {
    *out = o.via.i64;
    return true;
  }
  if (o.type == msgpack::type::POSITIVE_INTEGER && o.via.u64 <= INT64_MAX) {
    *out = static_cast<int64_t>(o.via.u64);
    return true;
  }
  return false;
}

bool ToStr(const msgpack::object& o, absl::string_view* out) {
  if (o.type != msgpack::type::STR) return false;
  *out = absl::string_view(o.via.str.ptr, o.via.str.size);
  return true;
}

// Decodes an argument array into `out`, reusing its storage.
bool ToValues(const msgpack::object& o, std::vector<Value>* out) {
  out->clear();
  if (o.type != msgpack::type::ARRAY || o.via.array.size > kMaxArgs) {
    return false;
  }
  for (uint32_t i = 0; i < o.via.array.size; ++i) {
    const msgpack::object& a = o.via.array.ptr[i];
    switch (a.type) {
      case msgpack::type::POSITIVE_INTEGER:
        out->emplace_back(a.via.u64);
        break;
      case msgpack::type::NEGATIVE_INTEGER:
        out->emplace_back(a.via.i64);
        break;
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64:
        out->emplace_back(a.via.f64);
        break;
      case msgpack::type::STR:
        out->emplace_back(absl::string_view(a.via.str.ptr, a.via.str.size));
        break;
      default:
        return false;
    }
  }
  return true;
}

using Packer = msgpack::packer<msgpack::sbuffer>;

void PackStr(Packer& pk, absl::string_view s) {
  pk.pack_str(static_cast<uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

// msgpack-c writes a double with an integral value as an integer (losing
// the sign of -0.0, and converting 2^64 with undefined behaviour), so a
// float argument would come back as an integer: write a float64 ourselves.
void PackFloat64(msgpack::sbuffer& buffer, double d) {
  const uint64_t bits = std::bit_cast<uint64_t>(d);
  char bytes[9] = {'\xcb'};
  for (int i = 0; i < 8; ++i) {
    bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  }
  buffer.write(bytes, sizeof(bytes));
}

// Appends `values` as one array to `buffer`, which `pk` writes to.
void PackValueArray(msgpack::sbuffer& buffer, Packer& pk,
                    absl::Span<const Value> values) {
  pk.pack_array(static_cast<uint32_t>(values.size()));
  for (const Value& v : values) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, absl::string_view>) {
            PackStr(pk, x);
          } else if constexpr (std::is_same_v<T, double>) {
            PackFloat64(buffer, x);
          } else {
            pk.pack(x);
          }
        },
        v);
  }
}

// A task or record is [fields before args, args, fields after args]; Add
// and AddPacked differ only in how the arguments get in between.
void PackTaskHead(Packer& pk, uint64_t id, uint32_t kind_index) {
  pk.pack_array(4);
  pk.pack(id);
  pk.pack(kind_index);
}

void PackRecordHead(Packer& pk, uint64_t id, absl::string_view kind) {
  pk.pack_array(8);
  pk.pack(id);
  PackStr(pk, kind);
}

void PackRecordTail(Packer& pk, TaskStatus status, absl::string_view result,
                    int64_t worker_pid, uint32_t attempts,
                    uint64_t elapsed_us) {
  pk.pack(static_cast<uint8_t>(status));
  PackStr(pk, result);
  pk.pack(worker_pid);
  pk.pack(attempts);
  pk.pack(elapsed_us);
}

}  // namespace

std::string PackArgs(absl::Span<const Value> args) {
  msgpack::sbuffer buffer(64);
  Packer pk(buffer);
  PackValueArray(buffer, pk, args);
  return std::string(buffer.data(), buffer.size());
}

BodyWriter::BodyWriter() : buffer_(64 << 10), packer_(buffer_) { Clear(); }

void BodyWriter::Clear() {
  buffer_.clear();
  count_ = 0;
  static constexpr char kPlaceholder[kArrayHeaderBytes] = {'\xdd', 0, 0, 0, 0};
  buffer_.write(kPlaceholder, kArrayHeaderBytes);
}

absl::string_view BodyWriter::Finish() {
  unsigned char* p = reinterpret_cast<unsigned char*>(buffer_.data());
  p[1] = static_cast<unsigned char>(count_ >> 24);
  p[2] = static_cast<unsigned char>(count_ >> 16);
  p[3] = static_cast<unsigned char>(count_ >> 8);
  p[4] = static_cast<unsigned char>(count_);
  return absl::string_view(buffer_.data(), buffer_.size());
}

void BodyWriter::PackValues(absl::Span<const Value> values) {
  PackValueArray(buffer_, packer_, values);
}

void BodyWriter::WriteRaw(absl::string_view bytes) {
  buffer_.write(bytes.data(), bytes.size());
}

void TaskBatchWriter::Add(uint64_t id, uint32_t kind_index,
                          absl::Span<const Value> args, uint32_t attempt) {
  PackTaskHead(packer(), id, kind_index);
  PackValues(args);
  packer().pack(attempt);
  ++count_;
}

void TaskBatchWriter::AddPacked(uint64_t id, uint32_t kind_index,
                                absl::string_view args, uint32_t attempt) {
  PackTaskHead(packer(), id, kind_index);
  WriteRaw(args);
  packer().pack(attempt);
  ++count_;
}

void RecordWriter::Add(uint64_t id, absl::string_view kind,
                       absl::Span<const Value> args, TaskStatus status,
                       absl::string_view result, int64_t worker_pid,
                       uint32_t attempts, uint64_t elapsed_us) {
  PackRecordHead(packer(), id, kind);
  PackValues(args);
  PackRecordTail(packer(), status, result, worker_pid, attempts, elapsed_us);
  ++count_;
}

void RecordWriter::AddPacked(uint64_t id, absl::string_view kind,
                             absl::string_view args, TaskStatus status,
                             absl::string_view result, int64_t worker_pid,
                             uint32_t attempts, uint64_t elapsed_us) {
  PackRecordHead(packer(), id, kind);
  WriteRaw(args);
  PackRecordTail(packer(), status, result, worker_pid, attempts, elapsed_us);
  ++count_;
}

absl::Status BodyReader::Open(absl::string_view frame) {
  zone_.clear();
  elements_ = {0, nullptr};
  absl::StatusOr<msgpack::object> obj =
      internal::Unpack(zone_, frame, kBodyLimits);
  if (!obj.ok()) return obj.status();
  if (obj->type != msgpack::type::ARRAY) return Malformed("not a batch");
  if (obj->via.array.size > kMaxBatchSize) return Malformed("batch too large");
  elements_ = obj->via.array;
  return absl::OkStatus();
}

absl::Status TaskBatchReader::Get(size_t i, TaskView* out) const {
  const msgpack::object& e = element(i);
  if (e.type != msgpack::type::ARRAY || e.via.array.size != 4) {
    return Malformed("a task is not [id, kind, args, attempt]");
  }
  const msgpack::object* f = e.via.array.ptr;
  if (!ToU64(f[0], &out->id) || !ToU32(f[1], &out->kind_index) ||
      !ToValues(f[2], &out->args) || !ToU32(f[3], &out->attempt)) {
    return Malformed("a task field has the wrong type");
  }
  return absl::OkStatus();
}

absl::Status RecordReader::Get(size_t i, RecordView* out) const {
  const msgpack::object& e = element(i);
  if (e.type != msgpack::type::ARRAY || e.via.array.size != 8) {
    return Malformed("a record does not have 8 fields");
  }
  const msgpack::object* f = e.via.array.ptr;
  uint32_t status;
  if (!ToU64(f[0], &out->id) || !ToStr(f[1], &out->kind) ||
      !ToValues(f[2], &out->args) || !ToU32(f[3], &status) ||
      status >= kTaskStatusCount || !ToStr(f[4], &out->result) ||
      !ToI64(f[5], &out->worker_pid) || !ToU32(f[6], &out->attempts) ||
      !ToU64(f[7], &out->elapsed_us)) {
    return Malformed("a record field has the wrong type");
  }
  out->status = static_cast<TaskStatus>(status);
  return absl::OkStatus();
}

}  // namespace taskfarm::proto
