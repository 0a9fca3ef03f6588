#include "logger/formatter.h"

#include <charconv>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace taskfarm::logger {
namespace {

constexpr char kHex[] = "0123456789abcdef";

template <typename Int>
void AppendInt(Int value, std::string* out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out->append(digits, end);
}

void AppendDouble(double value, std::string* out) {
  char digits[32];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out->append(digits, end);
}

// The length of the valid UTF-8 sequence at s[i], or 0 if it is not one.
// Valid as RFC 3629 defines it (and JSON parsers check): no overlong forms,
// no UTF-16 surrogates, nothing above U+10FFFF.
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

// JSON string contents. Invalid UTF-8 bytes become \u00XX (read as
// Latin-1), so the output is always valid JSON.
void AppendJsonEscaped(absl::string_view s, std::string* out) {
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    size_t utf8 = c >= 0x80 ? Utf8Length(s, i) : 0;
    if (utf8 > 0) {
      i += utf8;
      continue;
    }
    out->append(s.data() + plain, i - plain);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: {
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(esc, 6);
      }
    }
    plain = ++i;
  }
  out->append(s.data() + plain, s.size() - plain);
}

// Text for people: control characters shown as \n, \t, \xNN.
void AppendTextEscaped(absl::string_view s, std::string* out) {
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != 0x7f) continue;
    out->append(s.data() + plain, i - plain);
    if (c == '\n') {
      out->append("\\n");
    } else if (c == '\t') {
      out->append("\\t");
    } else {
      char esc[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
      out->append(esc, 4);
    }
    plain = i + 1;
  }
  out->append(s.data() + plain, s.size() - plain);
}

void AppendCsvField(absl::string_view s, std::string* out) {
  if (s.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(s.data(), s.size());
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// One argument as text: numbers as written, strings as they are.
void AppendArgText(const proto::Value& v, std::string* out) {
  std::visit(
      [out](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, absl::string_view>) {
          out->append(x.data(), x.size());
        } else if constexpr (std::is_same_v<T, double>) {
          AppendDouble(x, out);
        } else {
          AppendInt(x, out);
        }
      },
      v);
}

class TextFormatter : public Formatter {
 public:
  void Append(const proto::RecordView& r, std::string* out) const override {
    out->append("[worker ");
    AppendInt(r.worker_pid, out);
    out->append("] #");
    AppendInt(r.id, out);
    out->push_back(' ');
    out->append(r.kind.data(), r.kind.size());
    out->push_back('(');
    std::string arg;
    for (size_t i = 0; i < r.args.size(); ++i) {
      if (i > 0) out->append(", ");
      arg.clear();
      AppendArgText(r.args[i], &arg);
      AppendTextEscaped(arg, out);
    }
    out->push_back(')');
    if (r.status == proto::TaskStatus::kOk) {
      out->append(" = ");
    } else {
      out->push_back(' ');
      out->append(proto::TaskStatusName(r.status));
      out->append(": ");
    }
    AppendTextEscaped(r.result, out);
    out->append("  (");
    AppendInt(r.elapsed_us, out);
    out->append(" \xc2\xb5s");
    if (r.attempts > 1) {
      out->append(", ");
      AppendInt(r.attempts, out);
      out->append(" attempts");
    }
    out->append(")\n");
  }
};

class JsonlFormatter : public Formatter {
 public:
  void Append(const proto::RecordView& r, std::string* out) const override {
    out->append("{\"id\":");
    AppendInt(r.id, out);
    out->append(",\"task\":\"");
    AppendJsonEscaped(r.kind, out);
    out->append("\",\"args\":[");
    for (size_t i = 0; i < r.args.size(); ++i) {
      if (i > 0) out->push_back(',');
      if (const auto* s = std::get_if<absl::string_view>(&r.args[i])) {
        out->push_back('"');
        AppendJsonEscaped(*s, out);
        out->push_back('"');
      } else if (const auto* d = std::get_if<double>(&r.args[i])) {
        // JSON has no inf or nan.
        if (std::isfinite(*d)) {
          AppendDouble(*d, out);
        } else {
          out->append("null");
        }
      } else {
        AppendArgText(r.args[i], out);
      }
    }
    out->append("],\"status\":\"");
    out->append(proto::TaskStatusName(r.status));
    out->append("\",\"result\":\"");
    AppendJsonEscaped(r.result, out);
    out->append("\",\"worker\":");
    AppendInt(r.worker_pid, out);
    out->append(",\"attempts\":");
    AppendInt(r.attempts, out);
    out->append(",\"elapsed_us\":");
    AppendInt(r.elapsed_us, out);
    out->append("}\n");
  }
};

class CsvFormatter : public Formatter {
 public:
  void AppendHeader(std::string* out) const override {
    out->append(journal::kCsvHeader.data(), journal::kCsvHeader.size());
  }
  void Append(const proto::RecordView& r, std::string* out) const override {
    AppendInt(r.id, out);
    out->push_back(',');
    AppendCsvField(r.kind, out);
    out->push_back(',');
    std::string args;  // space-separated, as they were written
    for (size_t i = 0; i < r.args.size(); ++i) {
      if (i > 0) args.push_back(' ');
      AppendArgText(r.args[i], &args);
    }
    AppendCsvField(args, out);
    out->push_back(',');
    out->append(proto::TaskStatusName(r.status));
    out->push_back(',');
    AppendCsvField(r.result, out);
    out->push_back(',');
    AppendInt(r.worker_pid, out);
    out->push_back(',');
    AppendInt(r.attempts, out);
    out->push_back(',');
    AppendInt(r.elapsed_us, out);
    out->push_back('\n');
  }
};

}  // namespace

std::unique_ptr<Formatter> MakeFormatter(journal::Format format) {
  switch (format) {
    case journal::Format::kText:
      return std::make_unique<TextFormatter>();
    case journal::Format::kJsonl:
      return std::make_unique<JsonlFormatter>();
    case journal::Format::kCsv:
      return std::make_unique<CsvFormatter>();
  }
  return nullptr;
}

}  // namespace taskfarm::logger
