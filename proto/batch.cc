#include "proto/batch.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "proto/internal/cursor.h"
#include "proto/internal/put.h"

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

// The room one argument array may take.
size_t ValuesBound(absl::Span<const Value> values) {
  size_t n = internal::kHeaderBound;
  for (const Value& v : values) n += internal::ValueBound(v);
  return n;
}

char* PutValues(char* p, absl::Span<const Value> values) {
  p = internal::PutArrayHeader(p, static_cast<uint32_t>(values.size()));
  for (const Value& v : values) p = internal::PutValue(p, v);
  return p;
}

// A task or record is [fields before args, args, fields after args]; Add
// and AddPacked differ only in how the arguments get in between.
constexpr size_t kTaskHeadBound = 1 + 2 * internal::kNumberBound;
constexpr size_t kTaskTailBound = internal::kNumberBound;

char* PutTaskHead(char* p, uint64_t id, uint32_t kind_index) {
  p = internal::PutByte(p, 0x94);  // [id, kind_index, args, attempt]
  p = internal::PutUint(p, id);
  return internal::PutUint(p, kind_index);
}

size_t RecordBound(absl::string_view kind, absl::string_view result) {
  return 1 + 5 * internal::kNumberBound + internal::StrBound(kind) +
         internal::StrBound(result);
}

char* PutRecordHead(char* p, uint64_t id, absl::string_view kind) {
  p = internal::PutByte(p, 0x98);  // 8 fields
  p = internal::PutUint(p, id);
  return internal::PutStr(p, kind);
}

char* PutRecordTail(char* p, TaskStatus status, absl::string_view result,
                    int64_t worker_pid, uint32_t attempts,
                    uint64_t elapsed_us) {
  p = internal::PutUint(p, static_cast<uint8_t>(status));
  p = internal::PutStr(p, result);
  p = internal::PutInt(p, worker_pid);
  p = internal::PutUint(p, attempts);
  return internal::PutUint(p, elapsed_us);
}

}  // namespace

std::string PackArgs(absl::Span<const Value> args) {
  std::string out(ValuesBound(args), '\0');
  char* end = PutValues(out.data(), args);
  out.resize(static_cast<size_t>(end - out.data()));
  return out;
}

BodyWriter::BodyWriter() {
  Grow(64 << 10);
  Clear();
}

void BodyWriter::Grow(size_t n) {
  const size_t capacity = std::max(capacity_ * 2, size_ + n);
  std::unique_ptr<char[]> data(new char[capacity]);
  if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

void BodyWriter::Clear() {
  count_ = 0;
  size_ = 0;
  static constexpr char kPlaceholder[kArrayHeaderBytes] = {'\xdd', 0, 0, 0, 0};
  WriteRaw(absl::string_view(kPlaceholder, kArrayHeaderBytes));
}

absl::string_view BodyWriter::Finish() {
  unsigned char* p = reinterpret_cast<unsigned char*>(data_.get());
  p[1] = static_cast<unsigned char>(count_ >> 24);
  p[2] = static_cast<unsigned char>(count_ >> 16);
  p[3] = static_cast<unsigned char>(count_ >> 8);
  p[4] = static_cast<unsigned char>(count_);
  return absl::string_view(data_.get(), size_);
}

absl::string_view BodyWriter::elements() const {
  return absl::string_view(data_.get(), size_).substr(kArrayHeaderBytes);
}

void BodyWriter::WriteRaw(absl::string_view bytes) {
  char* p = Room(bytes.size());
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
  Commit(p + bytes.size());
}

void TaskBatchWriter::Add(uint64_t id, uint32_t kind_index,
                          absl::Span<const Value> args, uint32_t attempt) {
  char* p = Room(kTaskHeadBound + ValuesBound(args) + kTaskTailBound);
  p = PutTaskHead(p, id, kind_index);
  p = PutValues(p, args);
  Commit(internal::PutUint(p, attempt));
  ++count_;
}

void TaskBatchWriter::AddPacked(uint64_t id, uint32_t kind_index,
                                absl::string_view args, uint32_t attempt) {
  char* p = Room(kTaskHeadBound + args.size() + kTaskTailBound);
  p = PutTaskHead(p, id, kind_index);
  std::memcpy(p, args.data(), args.size());
  Commit(internal::PutUint(p + args.size(), attempt));
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
  char* p = Room(RecordBound(kind, result) + ValuesBound(args));
  p = PutRecordHead(p, id, kind);
  p = PutValues(p, args);
  Commit(PutRecordTail(p, status, result, worker_pid, attempts, elapsed_us));
  ++count_;
}

void RecordWriter::AddPacked(uint64_t id, absl::string_view kind,
                             absl::string_view args, TaskStatus status,
                             absl::string_view result, int64_t worker_pid,
                             uint32_t attempts, uint64_t elapsed_us) {
  char* p = Room(RecordBound(kind, result) + args.size());
  p = PutRecordHead(p, id, kind);
  std::memcpy(p, args.data(), args.size());
  Commit(PutRecordTail(p + args.size(), status, result, worker_pid, attempts,
                       elapsed_us));
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

namespace {

// Reads one task at `c` into `out`.
absl::Status ReadTask(internal::Cursor& c, TaskView* out) {
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

}  // namespace

absl::Status TaskBatchReader::Open(absl::string_view frame) {
  frame_ = absl::string_view();
  tasks_.clear();
  args_.clear();
  internal::Cursor c(frame);
  uint32_t n;
  if (absl::Status s = OpenArray(frame, &c, &n); !s.ok()) return s;
  tasks_.resize(n);
  for (Decoded& t : tasks_) {
    const size_t start = static_cast<size_t>(c.position() - frame.data());
    t.start = static_cast<uint32_t>(start);
    // Decoded as a task at once; what is not one is skipped as msgpack
    // (and refused by Get), and what is not msgpack fails the batch.
    t.args_begin = static_cast<uint32_t>(args_.size());
    uint32_t fields, args;
    t.ok = c.ArrayHeader(&fields) && fields == 4 && c.Uint(&t.id) &&
           c.Uint32(&t.kind_index) && c.ArrayHeader(&args) &&
           args <= kMaxArgs && args <= c.remaining();
    if (t.ok) {
      t.args_count = args;
      args_.resize(args_.size() + args);
      for (uint32_t k = 0; t.ok && k < args; ++k) {
        t.ok = c.Scalar(&args_[t.args_begin + k]);
      }
      t.ok = t.ok && c.Uint32(&t.attempt);
    }
    if (!t.ok) {
      args_.resize(t.args_begin);
      c = internal::Cursor(frame.substr(start));
      if (const char* error = c.Skip(/*depth=*/2)) {
        tasks_.clear();
        args_.clear();
        return Malformed(error);
      }
    }
    t.end = static_cast<uint32_t>(c.position() - frame.data());
  }
  if (c.remaining() != 0) {
    tasks_.clear();
    args_.clear();
    return Malformed(absl::StrCat(c.remaining(), " bytes after the message"));
  }
  frame_ = frame;
  return absl::OkStatus();
}

absl::Status TaskBatchReader::Get(size_t i, TaskView* out) const {
  const Decoded& t = tasks_[i];
  if (!t.ok) {  // decoded again, to say what is wrong
    internal::Cursor c(frame_.substr(t.start, t.end - t.start));
    return ReadTask(c, out);
  }
  out->id = t.id;
  out->kind_index = t.kind_index;
  out->attempt = t.attempt;
  const Value* args = args_.data() + t.args_begin;
  out->args.assign(args, args + t.args_count);
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
