// File: proto/batch.h
//
// The body frames that carry tasks and results in batches. A body is one
// msgpack array; each element is a task or a record:
//
//   task   [id, kind_index, [args...], attempt]
//   record [id, kind, [args...], status, result, worker_pid, attempts,
//           elapsed_us]
//
// kind_index points into the worker's advertised kinds (Hello::kinds);
// a record carries the kind name, so the logger can write it without
// knowing any worker. msgpack integers carry no sign of their own, so a
// non-negative int64_t argument arrives as uint64_t (Signature::Coerce gives
// it its declared type back); a double always travels as a float64. Writers append into a reusable buffer; readers decode
// a frame without copying its strings (views into the frame: keep it alive).
//
// Example (worker side):
//   TaskBatchReader tasks;
//   if (absl::Status s = tasks.Open(frame); !s.ok()) ...drop the frame
//   TaskView t;
//   for (size_t i = 0; i < tasks.size(); ++i) { ...tasks.Get(i, &t)... }
//
// Writers and readers are thread-compatible; use one per thread.

#ifndef TASKFARM_PROTO_BATCH_H_
#define TASKFARM_PROTO_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "proto/messages.h"
#include "proto/value.h"

namespace taskfarm::proto {

// No body frame is larger; a task's result is cut well below this.
inline constexpr size_t kMaxBodyBytes = 64 << 20;
// No batch holds more tasks or records.
inline constexpr uint32_t kMaxBatchSize = 1 << 16;
// No task has more arguments.
inline constexpr uint32_t kMaxArgs = 4096;

// The element count a body frame claims in its header, as BodyWriter
// writes it (a fixed-width array32); nullopt if the frame does not start
// with one. Reads 5 bytes and checks nothing else (BodyReader::Open does).
inline std::optional<uint32_t> ClaimedCount(absl::string_view frame) {
  const auto* p = reinterpret_cast<const unsigned char*>(frame.data());
  if (frame.size() < 5 || p[0] != 0xdd) return std::nullopt;
  return (uint32_t{p[1]} << 24) | (uint32_t{p[2]} << 16) |
         (uint32_t{p[3]} << 8) | uint32_t{p[4]};
}

// Appends msgpack values to a growing buffer whose first bytes are a
// fixed-width array header patched by Finish(). Values are written straight
// into the buffer (proto/internal/put.h): one capacity check per task or
// record, not one per value.
class BodyWriter {
 public:
  BodyWriter();
  BodyWriter(const BodyWriter&) = delete;
  BodyWriter& operator=(const BodyWriter&) = delete;

  // Empties the buffer, keeping its capacity.
  void Clear();
  uint32_t count() const { return count_; }
  size_t bytes() const { return size_; }

  // Patches the element count in and returns the frame; valid until the
  // next call of any other method.
  absl::string_view Finish();
  // The elements added so far, encoded back to back, without the frame's
  // array header; valid until the next call of any other method.
  absl::string_view elements() const;

 protected:
  // Room for `n` more bytes at the end of the buffer: write them from the
  // pointer returned, then Commit() the end of what was written.
  char* Room(size_t n) {
    if (capacity_ - size_ < n) Grow(n);
    return data_.get() + size_;
  }
  void Commit(char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  void WriteRaw(absl::string_view bytes);
  uint32_t count_ = 0;

 private:
  void Grow(size_t n);

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// `args` as one msgpack array, for keeping a task's arguments compactly.
std::string PackArgs(absl::Span<const Value> args);

class TaskBatchWriter : public BodyWriter {
 public:
  void Add(uint64_t id, uint32_t kind_index, absl::Span<const Value> args,
           uint32_t attempt);
  // As Add, with arguments made by PackArgs.
  void AddPacked(uint64_t id, uint32_t kind_index, absl::string_view args,
                 uint32_t attempt);
  // Appends `count` whole tasks encoded back to back, as another
  // TaskBatchWriter's elements() gave them (the master's input spool keeps
  // tasks so): one copy, no encoding. The bytes are not checked.
  void AddEncoded(absl::string_view tasks, uint32_t count);
};

class RecordWriter : public BodyWriter {
 public:
  void Add(uint64_t id, absl::string_view kind, absl::Span<const Value> args,
           TaskStatus status, absl::string_view result, int64_t worker_pid,
           uint32_t attempts, uint64_t elapsed_us);
  // As Add, with arguments made by PackArgs.
  void AddPacked(uint64_t id, absl::string_view kind, absl::string_view args,
                 TaskStatus status, absl::string_view result,
                 int64_t worker_pid, uint32_t attempts, uint64_t elapsed_us);
};

// One task of a received batch. Strings are views into the frame (an empty
// one may have a null data()).
struct TaskView {
  uint64_t id = 0;
  uint32_t kind_index = 0;
  uint32_t attempt = 1;
  std::vector<Value> args;  // reused between calls: no allocation per task
};

// One record of a received batch. Strings are views into the frame, as in
// TaskView.
struct RecordView {
  uint64_t id = 0;
  absl::string_view kind;
  std::vector<Value> args;
  TaskStatus status = TaskStatus::kOk;
  absl::string_view result;
  int64_t worker_pid = 0;
  uint32_t attempts = 0;
  uint64_t elapsed_us = 0;
};

// Checks a body frame once; elements are then decoded by index, in place
// (no object tree, no allocation once the reader has seen a batch this
// large).
class BodyReader {
 public:
  BodyReader() = default;
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;

  // Returns kInvalidArgument if `frame` is not one msgpack array within the
  // size limits (truncated, trailing bytes, nested too deeply, holding a
  // bin, an ext or a map with entries). `frame` must outlive every view read
  // from it.
  absl::Status Open(absl::string_view frame);
  size_t size() const { return starts_.empty() ? 0 : starts_.size() - 1; }

 protected:
  // The bytes of element `i` (< size()).
  absl::string_view element(size_t i) const {
    return frame_.substr(starts_[i], starts_[i + 1] - starts_[i]);
  }

 private:
  absl::string_view frame_;
  std::vector<uint32_t> starts_;  // element offsets, then the frame's end
};

// Checks a task batch and decodes its tasks in one pass when it is opened
// (a worker runs every task of a batch it accepts); Get then hands a task
// out without decoding it again.
class TaskBatchReader {
 public:
  TaskBatchReader() = default;
  TaskBatchReader(const TaskBatchReader&) = delete;
  TaskBatchReader& operator=(const TaskBatchReader&) = delete;

  // As BodyReader::Open: kInvalidArgument if `frame` is not one msgpack
  // array within the size limits. An element that is well-formed msgpack
  // but not a task is refused by Get, not here.
  absl::Status Open(absl::string_view frame);
  size_t size() const { return tasks_.size(); }
  // Reads task `i` (< size()). Returns kInvalidArgument if it is malformed
  // or has more than kMaxArgs arguments.
  absl::Status Get(size_t i, TaskView* out) const;

 private:
  // A task as Open decoded it; a malformed one keeps only where it is.
  struct Decoded {
    uint64_t id = 0;
    uint32_t kind_index = 0;
    uint32_t attempt = 0;
    uint32_t args_begin = 0;  // into args_
    uint32_t args_count = 0;
    uint32_t start = 0;       // offset in the frame
    uint32_t end = 0;
    bool ok = false;
  };

  absl::string_view frame_;
  std::vector<Decoded> tasks_;
  std::vector<Value> args_;  // every task's arguments, back to back
};

class RecordReader : public BodyReader {
 public:
  // Reads record `i` (< size()). Returns kInvalidArgument if malformed.
  absl::Status Get(size_t i, RecordView* out) const;
};

// Reads a records frame in one pass, record after record, checking each
// as it goes (the same checks as RecordReader's Open and Get together): for
// a reader that acts on each record at once (the logger), this decodes
// every byte once instead of twice.
//
// Example:
//   RecordStream records;
//   absl::Status s = records.Open(frame);
//   while (s.ok() && !records.done()) { s = records.Next(&r); ...use r... }
//   if (!s.ok()) ...the records before the bad one were good
class RecordStream {
 public:
  // Returns kInvalidArgument if `frame` is not an array of at most
  // kMaxBatchSize elements within kMaxBodyBytes.
  absl::Status Open(absl::string_view frame);
  // Whether every record has been read and the frame ended with the last.
  bool done() const { return left_ == 0; }
  // Reads the next record (!done()). Returns kInvalidArgument if it is
  // malformed, or if it is the last and bytes follow it.
  absl::Status Next(RecordView* out);

 private:
  absl::string_view rest_;
  uint32_t left_ = 0;
};

// What the master reads of a record it relays.
struct RecordHead {
  uint64_t id = 0;
  TaskStatus status = TaskStatus::kOk;
  uint64_t elapsed_us = 0;
};

// Reads the records of a frame one after the other, in a single pass, and
// checks each as RecordReader's Open and Get do: a frame it accepts to the
// end, RecordReader accepts. It does not keep the arguments: for the
// master, which checks what it relays and never reads the results.
//
// Example:
//   RecordScanner scan;
//   RecordHead head;
//   if (!scan.Start(frame).ok()) ...
//   for (uint32_t i = 0; i < scan.size(); ++i) if (!scan.Next(&head).ok()) ...
//   if (!scan.Finish().ok()) ...trailing bytes
class RecordScanner {
 public:
  // Returns kInvalidArgument if `frame` is not an array of records within
  // the size limits (its elements are checked by Next).
  absl::Status Start(absl::string_view frame);
  uint32_t size() const { return size_; }
  // The next record (call size() times). Returns kInvalidArgument if it is
  // malformed (then the scan is over).
  absl::Status Next(RecordHead* head);
  // After the last record: kInvalidArgument if bytes follow it.
  absl::Status Finish() const;

 private:
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  uint32_t size_ = 0;
  Value arg_;
};

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_BATCH_H_
