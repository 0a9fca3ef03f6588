// File: proto/internal/cursor.h
// IWYU pragma: private, include "proto/batch.h"
//
// Cursor reads the msgpack subset of body frames (arrays, integers, floats,
// strings) in place: no object tree, no allocation, every read bounds-
// checked. BodyReader uses it twice per frame: Skip() once over every
// element when the frame is opened (validating its structure with the same
// limits msgpack-c's unpacker applied: nesting depth, no bin, no ext, no map
// with entries), then the typed reads when an element is decoded.
//
// Example:
//   Cursor c(frame);
//   uint32_t n;
//   if (!c.ArrayHeader(&n)) ...not an array
//   if (const char* error = c.Skip(/*depth=*/2)) ...malformed: error says why
//
// Thread-compatible.

#ifndef TASKFARM_PROTO_INTERNAL_CURSOR_H_
#define TASKFARM_PROTO_INTERNAL_CURSOR_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "proto/value.h"

namespace taskfarm::proto::internal {

class Cursor {
 public:
  explicit Cursor(absl::string_view data)
      : p_(reinterpret_cast<const unsigned char*>(data.data())),
        end_(p_ + data.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const char* position() const { return reinterpret_cast<const char*>(p_); }

  // Each read consumes one object and returns false (consuming an unknown
  // amount) if it is of another type, out of range, or truncated.
  [[nodiscard]] bool ArrayHeader(uint32_t* size) {
    if (p_ != end_ && (*p_ & 0xf0) == 0x90) {  // fixarray: the usual case
      *size = *p_++ & 0x0f;
      return true;
    }
    return LongArrayHeader(size);
  }
  // A non-negative integer, whatever its encoding.
  [[nodiscard]] bool Uint(uint64_t* value) {
    if (p_ != end_ && *p_ <= 0x7f) {  // positive fixint
      *value = *p_++;
      return true;
    }
    return LongUint(value);
  }
  [[nodiscard]] bool Uint32(uint32_t* value);
  // An integer that fits int64_t.
  [[nodiscard]] bool Int(int64_t* value);
  // A string, as a view into the data.
  [[nodiscard]] bool Str(absl::string_view* value) {
    if (p_ != end_ && (*p_ & 0xe0) == 0xa0) {  // fixstr
      const size_t n = *p_ & 0x1f;
      if (remaining() < n + 1) return false;
      *value = absl::string_view(reinterpret_cast<const char*>(p_ + 1), n);
      p_ += n + 1;
      return true;
    }
    return LongStr(value);
  }
  // An argument: a negative integer as int64_t, a non-negative one as
  // uint64_t, a float32 or float64 as double, a string as a view.
  [[nodiscard]] bool Scalar(Value* value) {
    if (p_ != end_ && *p_ <= 0x7f) {
      *value = uint64_t{*p_++};
      return true;
    }
    return LongScalar(value);
  }

  // Skips one object of any type, allowing `depth` levels of containers
  // (arrays, maps) from here: 0 refuses any container. Returns nullptr, or
  // what is wrong ("truncated", "nested too deeply", ...).
  const char* Skip(int depth);

 private:
  bool LongArrayHeader(uint32_t* size);
  bool LongUint(uint64_t* value);
  bool LongStr(absl::string_view* value);
  bool LongScalar(Value* value);
  // The next N bytes as a big-endian unsigned integer.
  template <size_t N>
  bool Big(uint64_t* out) {
    if (remaining() < N) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < N; ++i) v = (v << 8) | p_[i];
    p_ += N;
    *out = v;
    return true;
  }
  // The next `n` bytes, as a view.
  bool Take(uint64_t n, absl::string_view* out) {
    if (remaining() < n) return false;
    *out = absl::string_view(reinterpret_cast<const char*>(p_),
                             static_cast<size_t>(n));
    p_ += n;
    return true;
  }
  // Reads the integer whose type byte `t` was just consumed; false if `t`
  // is not an integer type. Sets *negative for a value below zero (then
  // *bits holds it as int64_t).
  bool Integer(unsigned char t, uint64_t* bits, bool* negative);

  const unsigned char* p_;
  const unsigned char* end_;
};

}  // namespace taskfarm::proto::internal

#endif  // TASKFARM_PROTO_INTERNAL_CURSOR_H_
