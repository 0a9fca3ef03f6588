#include "journal/encoding.h"

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"

namespace taskfarm::journal {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// The length of the valid UTF-8 sequence at s[i] (a byte >= 0x80), or 0 if
// it is not one.
size_t Utf8Length(absl::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;  // overlong below U+0800
    if (c == 0xed) hi = 0x9f;  // surrogates U+D800..U+DFFF
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;  // overlong below U+10000
    if (c == 0xf4) hi = 0x8f;  // above U+10FFFF
  }
  if (n == 0 || i + n > s.size()) return 0;
  const unsigned char second = static_cast<unsigned char>(s[i + 1]);
  if (second < lo || second > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

// The length of the run of whole 8-byte words at the start of `s` whose
// bytes are printable ASCII other than '"', '\\' and DEL (most results
// are entirely): eight bytes tested at a time.
size_t PlainWords(absl::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kHighs = 0x8080808080808080u;
  // Nonzero if some byte of v is zero (exact as a test of "any").
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    const uint64_t special = ((x - kOnes * 0x20) & ~x & kHighs) |  // < 0x20
                             has_zero(x ^ (kOnes * '"')) |
                             has_zero(x ^ (kOnes * '\\')) |
                             has_zero(x ^ (kOnes * 0x7f)) | (x & kHighs);
    if (special != 0) break;
  }
  return i;
}

char* Copy(absl::string_view s, char* out) {
  if (!s.empty()) std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

char* WriteBase64(absl::string_view s, char* out) {
  return Copy(absl::Base64Escape(s), out);
}

}  // namespace

bool IsUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else if (size_t n = Utf8Length(s, i)) {
      i += n;
    } else {
      return false;
    }
  }
  return true;
}

char* WriteJsonText(absl::string_view s, char* out) {
  char* const start = out;
  *out++ = '"';
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t i = PlainWords(s); i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = Utf8Length(s, i);
      if (n == 0) {  // not UTF-8: the exact bytes, in base64
        out = Copy("{\"base64\":\"", start);
        out = WriteBase64(s, out);
        return Copy("\"}", out);
      }
      i += n;
      continue;
    }
    out = Copy(s.substr(plain, i - plain), out);
    *out++ = '\\';
    switch (c) {
      case '"': *out++ = '"'; break;
      case '\\': *out++ = '\\'; break;
      case '\n': *out++ = 'n'; break;
      case '\r': *out++ = 'r'; break;
      case '\t': *out++ = 't'; break;
      default:
        out = Copy("u00", out);
        *out++ = kHex[c >> 4];
        *out++ = kHex[c & 15];
    }
    plain = ++i;
  }
  out = Copy(s.substr(plain), out);
  *out++ = '"';
  return out;
}

void AppendJsonText(absl::string_view s, std::string* out) {
  const size_t old = out->size();
  out->resize(old + JsonTextBound(s.size()));
  char* end = WriteJsonText(s, out->data() + old);
  out->resize(static_cast<size_t>(end - out->data()));
}

char* WriteCsvField(absl::string_view s, char* out) {
  if (absl::StartsWith(s, kCsvBase64Prefix) || !IsUtf8(s)) {
    return WriteBase64(s, Copy(kCsvBase64Prefix, out));
  }
  if (s.find_first_of(",\"\r\n") == absl::string_view::npos) return Copy(s, out);
  *out++ = '"';
  for (char c : s) {
    if (c == '"') *out++ = '"';
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

char* WriteText(absl::string_view s, char* out) {
  size_t plain = 0;
  for (size_t i = PlainWords(s); i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (size_t n = Utf8Length(s, i)) {
        i += n;
        continue;
      }
    }
    out = Copy(s.substr(plain, i - plain), out);
    *out++ = '\\';
    switch (c) {
      case '\\': *out++ = '\\'; break;
      case '\n': *out++ = 'n'; break;
      case '\t': *out++ = 't'; break;
      default:
        *out++ = 'x';
        *out++ = kHex[c >> 4];
        *out++ = kHex[c & 15];
    }
    plain = ++i;
  }
  return Copy(s.substr(plain), out);
}

}  // namespace taskfarm::journal
