#include "proto/batch.h"

#include <bit>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "proto/internal/cursor.h"

namespace taskfarm::proto {
namespace {

constexpr size_t kArrayHeaderBytes = 5;  // 0xdd + big-endian uint32

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("bad frame: ", what));
}

// Reads the array header of a body frame into `n`, with `c` on `frame`,
// within the size limits.
absl::Status OpenArray(absl::string_view frame, internal::Cursor* c, uint32_t* n) {
  if (frame.size() > kMaxBodyBytes) {
    return Malformed(absl::StrCat(frame.size(), " bytes, more than ", kMaxBodyBytes));
  }
  if (frame.empty()) return Malformed("empty");
  if (!c->ArrayHeader(n)) return Malformed("not a batch");
  if (*n > kMaxBatchSize) return Malformed("batch too large");
  if (*n > c->remaining()) return Malformed("truncated");
  return absl::OkStatus();
}

// Decodes an argument array into `out`, reusing its storage.
bool ReadValues(internal::Cursor& c, std::vector<Value>* out) {
  out->clear();
  uint32_t n;
  if (!c.ArrayHeader(&n) || n > kMaxArgs || n > c.remaining()) return false;
  out->resize(n);
  for (Value& v : *out) {
    if (!c.Scalar(&v)) return false;
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

absl::string_view BodyWriter::elements() const {
  return absl::string_view(buffer_.data(), buffer_.size())
      .substr(kArrayHeaderBytes);
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

void TaskBatchWriter::AddEncoded(absl::string_view tasks, uint32_t count) {
  WriteRaw(tasks);
  count_ += count;
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
  frame_ = absl::string_view();
  starts_.clear();
  internal::Cursor c(frame);
  uint32_t n;
  if (absl::Status s = OpenArray(frame, &c, &n); !s.ok()) return s;
  starts_.reserve(n + 1);
  // Tasks and records hold one level of arrays (their arguments).
  for (uint32_t i = 0; i < n; ++i) {
    starts_.push_back(static_cast<uint32_t>(c.position() - frame.data()));
    if (const char* error = c.Skip(/*depth=*/2)) {
      starts_.clear();
      return Malformed(error);
    }
  }
  if (c.remaining() != 0) {
    starts_.clear();
    return Malformed(absl::StrCat(c.remaining(), " bytes after the message"));
  }
  starts_.push_back(static_cast<uint32_t>(frame.size()));
  frame_ = frame;
  return absl::OkStatus();
}

absl::Status TaskBatchReader::Get(size_t i, TaskView* out) const {
  internal::Cursor c(element(i));
  uint32_t fields;
  if (!c.ArrayHeader(&fields) || fields != 4) {
    return Malformed("a task is not [id, kind, args, attempt]");
  }
  if (!c.Uint(&out->id) || !c.Uint32(&out->kind_index) ||
      !ReadValues(c, &out->args) || !c.Uint32(&out->attempt)) {
    return Malformed("a task field has the wrong type");
  }
  return absl::OkStatus();
}

namespace {

// Reads one record at `c`.
absl::Status ReadRecord(internal::Cursor& c, RecordView* out) {
  uint32_t fields;
  if (!c.ArrayHeader(&fields) || fields != 8) {
    return Malformed("a record does not have 8 fields");
  }
  uint32_t status;
  if (!c.Uint(&out->id) || !c.Str(&out->kind) || !ReadValues(c, &out->args) ||
      !c.Uint32(&status) || status >= kTaskStatusCount ||
      !c.Str(&out->result) || !c.Int(&out->worker_pid) ||
      !c.Uint32(&out->attempts) || !c.Uint(&out->elapsed_us)) {
    return Malformed("a record field has the wrong type");
  }
  out->status = static_cast<TaskStatus>(status);
  return absl::OkStatus();
}

}  // namespace

absl::Status RecordReader::Get(size_t i, RecordView* out) const {
  internal::Cursor c(element(i));
  return ReadRecord(c, out);
}

absl::Status RecordStream::Open(absl::string_view frame) {
  rest_ = absl::string_view();
  left_ = 0;
  internal::Cursor c(frame);
  uint32_t n;
  if (absl::Status s = OpenArray(frame, &c, &n); !s.ok()) return s;
  if (n == 0 && c.remaining() != 0) {
    return Malformed(absl::StrCat(c.remaining(), " bytes after the message"));
  }
  rest_ = frame.substr(static_cast<size_t>(c.position() - frame.data()));
  left_ = n;
  return absl::OkStatus();
}

absl::Status RecordStream::Next(RecordView* out) {
  internal::Cursor c(rest_);
  absl::Status s = ReadRecord(c, out);
  rest_.remove_prefix(static_cast<size_t>(c.position() - rest_.data()));
  if (s.ok() && --left_ == 0 && !rest_.empty()) {
    s = Malformed(absl::StrCat(rest_.size(), " bytes after the message"));
  }
  if (!s.ok()) left_ = 0;
  return s;
}

absl::Status RecordScanner::Start(absl::string_view frame) {
  p_ = end_ = nullptr;
  size_ = 0;
  internal::Cursor c(frame);
  uint32_t n;
  if (absl::Status s = OpenArray(frame, &c, &n); !s.ok()) return s;
  size_ = n;
  p_ = c.position();
  end_ = frame.data() + frame.size();
  return absl::OkStatus();
}

absl::Status RecordScanner::Next(RecordHead* head) {
  internal::Cursor c(absl::string_view(p_, static_cast<size_t>(end_ - p_)));
  uint32_t fields, args, status, attempts;
  absl::string_view text;
  int64_t pid;
  if (!c.ArrayHeader(&fields) || fields != 8) {
    end_ = p_;
    return Malformed("a record does not have 8 fields");
  }
  bool ok = c.Uint(&head->id) && c.Str(&text) && c.ArrayHeader(&args) &&
            args <= kMaxArgs && args <= c.remaining();
  for (uint32_t i = 0; ok && i < args; ++i) ok = c.Scalar(&arg_);
  ok = ok && c.Uint32(&status) && status < kTaskStatusCount && c.Str(&text) &&
       c.Int(&pid) && c.Uint32(&attempts) && c.Uint(&head->elapsed_us);
  if (!ok) {
    end_ = p_;
    return Malformed("a record field has the wrong type");
  }
  head->status = static_cast<TaskStatus>(status);
  p_ = c.position();
  return absl::OkStatus();
}

absl::Status RecordScanner::Finish() const {
  if (p_ != end_) {
    return Malformed(absl::StrCat(end_ - p_, " bytes after the message"));
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::proto
