#include "journal/task_words.h"

#include <charconv>
#include <type_traits>
#include <variant>

namespace taskfarm::journal {
namespace {

// Room for any number: 20 digits and a sign, or a double's shortest form.
constexpr size_t kNumberBound = 32;

void AppendArg(const proto::Value& v, std::string* out) {
  std::visit(
      [out](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, absl::string_view>) {
          AppendTaskWord(x, out);
        } else {
          char number[kNumberBound];
          out->append(number, std::to_chars(number, number + kNumberBound, x).ptr);
        }
      },
      v);
}

}  // namespace

void AppendTaskWord(absl::string_view s, std::string* out) {
  // What the tokenizer reads back as it is: not empty, no comment or JSON
  // line start, no blank, quote, backslash or separator.
  const bool bare = !s.empty() && s[0] != '#' && s[0] != '{' &&
                    s.find_first_of(" \t\r\n'\"\\;") == absl::string_view::npos;
  if (bare) {
    out->append(s.data(), s.size());
    return;
  }
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      default: out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendTaskArgs(absl::Span<const proto::Value> args, std::string* out) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out->push_back(' ');
    AppendArg(args[i], out);
  }
}

std::string TaskLine(absl::string_view kind, absl::Span<const proto::Value> args,
                     size_t max_bytes) {
  std::string out(kind);
  for (const proto::Value& v : args) {
    if (out.size() > max_bytes) break;  // cut below: the rest is not shown
    out.push_back(' ');
    AppendArg(v, &out);
  }
  CutText(&out, max_bytes);
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

}  // namespace taskfarm::journal
