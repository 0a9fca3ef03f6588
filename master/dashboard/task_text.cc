#include "master/dashboard/task_text.h"

#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace taskfarm::master::dashboard {
namespace {

void AppendWord(absl::string_view word, std::string* out) {
  bool plain = !word.empty();
  for (char c : word) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '"' ||
        c == '\'' || c == '\\' || c == '#' || c == ';' ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      plain = false;
    }
  }
  if (plain) {
    out->append(word.data(), word.size());
    return;
  }
  out->push_back('"');
  for (char c : word) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
          out->push_back('?');
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace

std::string TaskText(absl::string_view kind, absl::Span<const proto::Value> args) {
  std::string out(kind);
  for (const proto::Value& v : args) {
    if (out.size() > kMaxTaskText) break;
    out.push_back(' ');
    if (const auto* s = std::get_if<absl::string_view>(&v)) {
      AppendWord(*s, &out);
    } else if (const auto* d = std::get_if<double>(&v)) {
      absl::StrAppend(&out, absl::StrFormat("%g", *d));
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
      absl::StrAppend(&out, *i);
    } else {
      absl::StrAppend(&out, std::get<uint64_t>(v));
    }
  }
  CutText(&out, kMaxTaskText);
  return out;
}

void CutText(std::string* text, size_t max_bytes) {
  if (text->size() <= max_bytes) return;
  size_t end = max_bytes;
  // Back to the start of the sequence the cut falls in, if it falls in one.
  while (end > 0 && (static_cast<unsigned char>((*text)[end]) & 0xC0) == 0x80) --end;
  text->resize(end);
  text->append("...");
}

}  // namespace taskfarm::master::dashboard
