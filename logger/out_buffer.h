// File: logger/out_buffer.h
//
// OutBuffer is the logger's output buffer: a growable byte array that
// formatters write into through a raw pointer. A formatter reserves room
// for the most a record can take, writes without further checks, and
// commits the end it reached: one capacity check per record, not one per
// field, and no zero-filling (std::string::resize would).
//
// Example:
//   OutBuffer out;
//   char* p = out.Reserve(64);
//   p = std::to_chars(p, p + 20, id).ptr;
//   out.Commit(p);
//   write(fd, out.data(), out.size());
//
// Thread-compatible.

#ifndef TASKFARM_LOGGER_OUT_BUFFER_H_
#define TASKFARM_LOGGER_OUT_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <memory>

#include "absl/strings/string_view.h"

namespace taskfarm::logger {

class OutBuffer {
 public:
  explicit OutBuffer(size_t capacity = 0) { Grow(capacity); }
  OutBuffer(const OutBuffer&) = delete;
  OutBuffer& operator=(const OutBuffer&) = delete;

  // Room for `n` more bytes; returns where they go. Valid until the next
  // Reserve or Append.
  char* Reserve(size_t n) {
    if (capacity_ - size_ < n) Grow(size_ + n);
    return data_.get() + size_;
  }
  // The bytes up to `end` (within the last Reserve) are part of the buffer.
  void Commit(const char* end) {
    size_ = static_cast<size_t>(end - data_.get());
  }
  void Append(absl::string_view s) {
    char* p = Reserve(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    size_ += s.size();
  }
  // Keeps the first `n` bytes.
  void Truncate(size_t n) {
    if (n < size_) size_ = n;
  }
  void Clear() { size_ = 0; }

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  absl::string_view view() const { return absl::string_view(data_.get(), size_); }

 private:
  void Grow(size_t at_least) {
    size_t capacity = capacity_ == 0 ? 4096 : capacity_;
    while (capacity < at_least) capacity *= 2;
    if (capacity == capacity_) return;
    std::unique_ptr<char[]> data(new char[capacity]);
    if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
    data_ = std::move(data);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace taskfarm::logger

#endif  // TASKFARM_LOGGER_OUT_BUFFER_H_
