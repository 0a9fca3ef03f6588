#include "proto/internal/cursor.h"

#include <bit>

namespace taskfarm::proto::internal {

bool Cursor::Integer(unsigned char t, uint64_t* bits, bool* negative) {
  *negative = false;
  if (t <= 0x7f) {  // positive fixint
    *bits = t;
    return true;
  }
  if (t >= 0xe0) {  // negative fixint
    *bits = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(t)));
    *negative = true;
    return true;
  }
  uint64_t v;
  int64_t s;
  switch (t) {
    case 0xcc: return Big<1>(bits);
    case 0xcd: return Big<2>(bits);
    case 0xce: return Big<4>(bits);
    case 0xcf: return Big<8>(bits);
    case 0xd0:
      if (!Big<1>(&v)) return false;
      s = static_cast<int8_t>(v);
      break;
    case 0xd1:
      if (!Big<2>(&v)) return false;
      s = static_cast<int16_t>(v);
      break;
    case 0xd2:
      if (!Big<4>(&v)) return false;
      s = static_cast<int32_t>(v);
      break;
    case 0xd3:
      if (!Big<8>(&v)) return false;
      s = static_cast<int64_t>(v);
      break;
    default:
      return false;
  }
  // A signed encoding of a value >= 0 is a positive integer (as msgpack-c
  // reads it).
  *bits = static_cast<uint64_t>(s);
  *negative = s < 0;
  return true;
}

bool Cursor::LongArrayHeader(uint32_t* size) {
  if (p_ == end_) return false;
  const unsigned char t = *p_++;
  uint64_t n;
  if ((t & 0xf0) == 0x90) {
    n = t & 0x0f;
  } else if (t == 0xdc) {
    if (!Big<2>(&n)) return false;
  } else if (t == 0xdd) {
    if (!Big<4>(&n)) return false;
  } else {
    return false;
  }
  *size = static_cast<uint32_t>(n);
  return true;
}

bool Cursor::LongUint(uint64_t* value) {
  bool negative;
  return p_ != end_ && Integer(*p_++, value, &negative) && !negative;
}

bool Cursor::Uint32(uint32_t* value) {
  uint64_t v;
  if (!Uint(&v) || v > UINT32_MAX) return false;
  *value = static_cast<uint32_t>(v);
  return true;
}

bool Cursor::Int(int64_t* value) {
  uint64_t bits;
  bool negative;
  if (p_ == end_ || !Integer(*p_++, &bits, &negative)) return false;
  if (!negative && bits > static_cast<uint64_t>(INT64_MAX)) return false;
  *value = static_cast<int64_t>(bits);
  return true;
}

bool Cursor::LongStr(absl::string_view* value) {
  if (p_ == end_) return false;
  const unsigned char t = *p_++;
  uint64_t n;
  if ((t & 0xe0) == 0xa0) {
    n = t & 0x1f;
  } else if (t == 0xd9) {
    if (!Big<1>(&n)) return false;
  } else if (t == 0xda) {
    if (!Big<2>(&n)) return false;
  } else if (t == 0xdb) {
    if (!Big<4>(&n)) return false;
  } else {
    return false;
  }
  return Take(n, value);
}

bool Cursor::LongScalar(Value* value) {
  if (p_ == end_) return false;
  const unsigned char t = *p_;
  if ((t & 0xe0) == 0xa0 || (t >= 0xd9 && t <= 0xdb)) {
    absl::string_view s;
    if (!Str(&s)) return false;
    *value = s;
    return true;
  }
  ++p_;
  uint64_t bits;
  if (t == 0xca) {
    if (!Big<4>(&bits)) return false;
    *value = static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(bits)));
    return true;
  }
  if (t == 0xcb) {
    if (!Big<8>(&bits)) return false;
    *value = std::bit_cast<double>(bits);
    return true;
  }
  bool negative;
  if (!Integer(t, &bits, &negative)) return false;
  if (negative) {
    *value = static_cast<int64_t>(bits);
  } else {
    *value = bits;
  }
  return true;
}

const char* Cursor::Skip(int depth) {
  constexpr const char* kTruncated = "truncated";
  if (p_ == end_) return kTruncated;
  const unsigned char t = *p_;
  uint64_t n = 0;
  absl::string_view unused;
  // Containers: arrays and maps (whose entries our frames never use).
  bool is_array = (t & 0xf0) == 0x90 || t == 0xdc || t == 0xdd;
  bool is_map = (t & 0xf0) == 0x80 || t == 0xde || t == 0xdf;
  if (is_array || is_map) {
    ++p_;
    if (depth <= 0) return "nested too deeply";
    if ((t & 0xe0) == 0x80) {
      n = t & 0x0f;
    } else if (t == 0xdc || t == 0xde) {
      if (!Big<2>(&n)) return kTruncated;
    } else if (!Big<4>(&n)) {
      return kTruncated;
    }
    if (is_map) return n == 0 ? nullptr : "a map";
    // Every element takes a byte at least.
    if (n > remaining()) return kTruncated;
    for (uint64_t i = 0; i < n; ++i) {
      // Fixints and fixstrs without a call: most elements are.
      if (p_ == end_) return kTruncated;
      const unsigned char e = *p_;
      if (e <= 0x7f || e >= 0xe0) {
        ++p_;
      } else if ((e & 0xe0) == 0xa0) {
        const size_t len = e & 0x1f;
        if (remaining() < len + 1) return kTruncated;
        p_ += len + 1;
      } else if (const char* error = Skip(depth - 1)) {
        return error;
      }
    }
    return nullptr;
  }
  if ((t & 0xe0) == 0xa0 || (t >= 0xd9 && t <= 0xdb)) {
    return Str(&unused) ? nullptr : kTruncated;
  }
  ++p_;
  switch (t) {
    case 0xc0:  // nil
    case 0xc2:  // false
    case 0xc3:  // true
      return nullptr;
    case 0xca:
      return Take(4, &unused) ? nullptr : kTruncated;
    case 0xcb:
      return Take(8, &unused) ? nullptr : kTruncated;
    case 0xc4: case 0xc5: case 0xc6:                       // bin
    case 0xc7: case 0xc8: case 0xc9:                       // ext
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:  // fixext
      return "a bin or ext";
    case 0xc1:
      return "an unused type byte (0xc1)";
    default: {
      uint64_t bits;
      bool negative;
      return Integer(t, &bits, &negative) ? nullptr : kTruncated;
    }
  }
}

}  // namespace taskfarm::proto::internal
