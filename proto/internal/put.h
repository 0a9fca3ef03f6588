// File: proto/internal/put.h
// IWYU pragma: private, include "proto/batch.h"
//
// Writes the msgpack subset of body frames (arrays, integers, float64,
// strings) straight into memory the caller has made room for: no packer, no
// capacity check per value. Each function writes exactly the bytes
// msgpack-c's packer writes for the same C++ value (the smallest encoding;
// a non-negative signed integer as an unsigned one), so frames stay byte
// for byte what they were (tests/batch_bytes_test.cc compares them). Each
// returns the end of what it wrote; k*Bound say how much room one value may
// take.
//
// Example:
//   char* p = room;                       // at least 1 + 9 + 5 + s.size()
//   p = PutArrayHeader(p, 2);
//   p = PutUint(p, id);
//   p = PutStr(p, s);
//
// Thread-compatible (pure functions).

#ifndef TASKFARM_PROTO_INTERNAL_PUT_H_
#define TASKFARM_PROTO_INTERNAL_PUT_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <variant>

#include "absl/strings/string_view.h"
#include "proto/value.h"

namespace taskfarm::proto::internal {

// The most bytes an integer, a float64, or a string or array header takes.
inline constexpr size_t kNumberBound = 9;
inline constexpr size_t kHeaderBound = 5;

inline char* PutByte(char* p, unsigned char b) {
  *p = static_cast<char>(b);
  return p + 1;
}

// A type byte, then `v` big-endian in N bytes.
template <size_t N>
inline char* PutTyped(char* p, unsigned char type, uint64_t v) {
  p[0] = static_cast<char>(type);
  for (size_t i = 0; i < N; ++i) {
    p[1 + i] = static_cast<char>(v >> (8 * (N - 1 - i)));
  }
  return p + 1 + N;
}

inline char* PutUint(char* p, uint64_t v) {
  if (v < 0x80) return PutByte(p, static_cast<unsigned char>(v));
  if (v < 0x100) return PutTyped<1>(p, 0xcc, v);
  if (v < 0x10000) return PutTyped<2>(p, 0xcd, v);
  if (v < 0x100000000) return PutTyped<4>(p, 0xce, v);
  return PutTyped<8>(p, 0xcf, v);
}

inline char* PutInt(char* p, int64_t v) {
  if (v >= 0) return PutUint(p, static_cast<uint64_t>(v));
  const uint64_t bits = static_cast<uint64_t>(v);
  if (v >= -32) return PutByte(p, static_cast<unsigned char>(bits));
  if (v >= -128) return PutTyped<1>(p, 0xd0, bits);
  if (v >= -32768) return PutTyped<2>(p, 0xd1, bits);
  if (v >= -2147483648LL) return PutTyped<4>(p, 0xd2, bits);
  return PutTyped<8>(p, 0xd3, bits);
}

// Always a float64 (msgpack-c would write an integral double as an
// integer, losing -0.0 and the type).
inline char* PutFloat64(char* p, double d) {
  return PutTyped<8>(p, 0xcb, std::bit_cast<uint64_t>(d));
}

inline char* PutArrayHeader(char* p, uint32_t n) {
  if (n < 16) return PutByte(p, static_cast<unsigned char>(0x90 | n));
  if (n < 0x10000) return PutTyped<2>(p, 0xdc, n);
  return PutTyped<4>(p, 0xdd, n);
}

inline char* PutStrHeader(char* p, uint32_t n) {
  if (n < 32) return PutByte(p, static_cast<unsigned char>(0xa0 | n));
  if (n < 0x100) return PutTyped<1>(p, 0xd9, n);
  if (n < 0x10000) return PutTyped<2>(p, 0xda, n);
  return PutTyped<4>(p, 0xdb, n);
}

// `s` must be shorter than 4 GiB (frames are far smaller).
inline char* PutStr(char* p, absl::string_view s) {
  p = PutStrHeader(p, static_cast<uint32_t>(s.size()));
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

inline size_t StrBound(absl::string_view s) { return kHeaderBound + s.size(); }

inline char* PutValue(char* p, const Value& v) {
  return std::visit(
      [p](const auto& x) -> char* {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, absl::string_view>) {
          return PutStr(p, x);
        } else if constexpr (std::is_same_v<T, double>) {
          return PutFloat64(p, x);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return PutInt(p, x);
        } else {
          return PutUint(p, x);
        }
      },
      v);
}

inline size_t ValueBound(const Value& v) {
  const auto* s = std::get_if<absl::string_view>(&v);
  return s != nullptr ? StrBound(*s) : kNumberBound;
}

}  // namespace taskfarm::proto::internal

#endif  // TASKFARM_PROTO_INTERNAL_PUT_H_
