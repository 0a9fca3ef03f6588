#include "base/shell_quote.h"

#include "absl/strings/ascii.h"

namespace taskfarm::base {
namespace {

// Parallel's [-_.+a-z0-9/]i: the characters that never need quoting.
bool IsQuoteFree(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_' || c == '.' || c == '+' || c == '/';
}

}  // namespace

std::string ShellQuote(absl::string_view text) {
  if (text.empty()) return "''";
  bool plain = true;
  for (char c : text) plain = plain && IsQuoteFree(c);
  if (plain) return std::string(text);
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\"'\"'";
    } else {
      out += c;
    }
  }
  out += '\'';
  // Parallel drops the '' a leading or trailing quote leaves behind.
  if (out.size() >= 2 && out.compare(0, 2, "''") == 0) out.erase(0, 2);
  if (out.size() >= 2 && out.compare(out.size() - 2, 2, "''") == 0) {
    out.erase(out.size() - 2);
  }
  return out;
}

bool IsShellLiteral(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!IsQuoteFree(c) && c != '=' && c != ':' && c != ',' && c != '@' &&
        c != '%' && c != '^') {
      return false;
    }
  }
  return true;
}

std::string ShellJoin(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& word : argv) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(word);
  }
  return out;
}

}  // namespace taskfarm::base
