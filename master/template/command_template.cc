#include "master/template/command_template.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/shell_quote.h"

namespace taskfarm::master {
namespace {

// Shells whose -c takes a script: values in that script get quoted.
bool IsShell(absl::string_view program) {
  static const auto* const kShells = new absl::flat_hash_set<absl::string_view>{
      "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "posh"};
  const size_t slash = program.rfind('/');
  if (slash != absl::string_view::npos) program.remove_prefix(slash + 1);
  return kShells->contains(program);
}

// Perl's s/(.)\/*\z/$1/s: trailing slashes go, the first character stays.
void StripTrailingSlashes(std::string* s) {
  while (s->size() > 1 && s->back() == '/') s->pop_back();
}

// Perl's File::Basename::fileparse on Unix: directory part (through the
// last '/', or "./") and the rest.
void FileParse(const std::string& path, std::string* dir, std::string* base) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    *dir = "./";
    *base = path;
  } else {
    *dir = path.substr(0, slash + 1);
    *base = path.substr(slash + 1);
  }
}

}  // namespace

std::string RemoveExtension(absl::string_view value) {
  // s:\.[^/.]*$::
  const size_t dot = value.rfind('.');
  if (dot == absl::string_view::npos) return std::string(value);
  if (value.find('/', dot) != absl::string_view::npos) return std::string(value);
  return std::string(value.substr(0, dot));
}

std::string Basename(absl::string_view value) {
  // s:.*/::
  const size_t slash = value.rfind('/');
  return std::string(slash == absl::string_view::npos ? value
                                                    : value.substr(slash + 1));
}

std::string Dirname(absl::string_view value) {
  std::string dir, base;
  FileParse(std::string(value), &dir, &base);
  StripTrailingSlashes(&dir);
  if (base.empty()) {
    FileParse(dir, &dir, &base);
    StripTrailingSlashes(&dir);
  }
  return dir;
}

absl::StatusOr<CommandTemplate> CommandTemplate::Parse(
    const std::vector<std::string>& words, size_t source_count) {
  if (words.empty()) return absl::InvalidArgumentError("no command to run");
  CommandTemplate t;
  bool any = false;
  for (const std::string& text : words) {
    Word word;
    std::string literal;
    size_t i = 0;
    while (i < text.size()) {
      if (text[i] != '{') {
        literal += text[i++];
        continue;
      }
      const size_t close = text.find('}', i);
      if (absl::StartsWith(absl::string_view(text).substr(i), "{=")) {
        return absl::InvalidArgumentError(absl::StrCat(
            "\"", text, "\": Perl expressions {=...=} are not supported"));
      }
      if (close == std::string::npos) {
        literal += text[i++];
        continue;
      }
      absl::string_view inner = absl::string_view(text).substr(i + 1, close - i - 1);
      Segment s{.is_replacement = true};
      size_t digits = 0;
      while (digits < inner.size() && absl::ascii_isdigit(static_cast<unsigned char>(inner[digits]))) {
        ++digits;
      }
      absl::string_view op = inner.substr(digits);
      bool known = true;
      if (digits == 0 && op == "#") {
        s.op = Op::kSeq;
      } else if (digits == 0 && op == "%") {
        s.op = Op::kSlot;
        t.uses_slot_ = true;
      } else if (op.empty()) {
        s.op = Op::kValue;
      } else if (op == ".") {
        s.op = Op::kNoExt;
      } else if (op == "/") {
        s.op = Op::kBase;
      } else if (op == "//") {
        s.op = Op::kDir;
      } else if (op == "/.") {
        s.op = Op::kBaseNoExt;
      } else {
        known = false;
      }
      if (known && digits > 0) {
        if (!absl::SimpleAtoi(inner.substr(0, digits), &s.source) || s.source == 0 ||
            s.source > source_count) {
          return absl::InvalidArgumentError(absl::StrCat(
              "\"", text, "\": {", inner, "} names input source ",
              inner.substr(0, digits), ", but there ",
              source_count == 1 ? "is 1 source" : absl::StrCat("are ", source_count, " sources")));
        }
      }
      if (!known) {  // not a replacement string: literal text, as in Parallel
        literal += text[i++];
        continue;
      }
      if (!literal.empty()) word.segments.push_back({.literal = std::move(literal)});
      literal.clear();
      word.segments.push_back(s);
      word.has_replacement = any = true;
      i = close + 1;
    }
    if (!literal.empty() || word.segments.empty()) {
      word.segments.push_back({.literal = std::move(literal)});
    }
    t.words_.push_back(std::move(word));
  }
  t.appends_ = !any;
  if (IsShell(words[0])) {
    bool saw_c = false;
    size_t i = 1;
    for (; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (w == "--") {
        ++i;
        break;
      }
      if (w.size() < 2 || (w[0] != '-' && w[0] != '+')) break;
      if (w[0] == '-' && absl::StrContains(w, 'c')) saw_c = true;
      if (w.back() == 'o') ++i;  // -o OPTION
    }
    if (saw_c && i < words.size()) t.script_word_ = i;
  }
  return t;
}

void CommandTemplate::Values(const Segment& s, const Job& job, uint32_t slot,
                             std::vector<std::string>* out) const {
  out->clear();
  if (s.op == Op::kSeq) {
    out->push_back(absl::StrCat(job.seq));
    return;
  }
  if (s.op == Op::kSlot) {
    out->push_back(absl::StrCat(slot));
    return;
  }
  const size_t first = s.source == 0 ? 0 : s.source - 1;
  const size_t last = s.source == 0 ? job.values.size() : s.source;
  for (size_t v = first; v < last; ++v) {
    absl::string_view value = job.values[v];
    switch (s.op) {
      case Op::kNoExt: out->push_back(RemoveExtension(value)); break;
      case Op::kBase: out->push_back(Basename(value)); break;
      case Op::kDir: out->push_back(Dirname(value)); break;
      case Op::kBaseNoExt: out->push_back(RemoveExtension(Basename(value))); break;
      default: out->emplace_back(value); break;
    }
  }
}

void CommandTemplate::ExpandWord(const Word& word, bool script, const Job& job,
                                 uint32_t slot, bool render,
                                 std::vector<std::string>* out) const {
  if (render && (script || !word.has_replacement)) {
    std::vector<std::string> plain;
    ExpandWord(word, script, job, slot, /*render=*/false, &plain);
    for (const std::string& p : plain) out->push_back(base::ShellQuote(p));
    return;
  }
  std::string current;
  std::vector<std::string> values;
  for (const Segment& s : word.segments) {
    if (!s.is_replacement) {
      current += render && !base::IsShellLiteral(s.literal)
                     ? base::ShellQuote(s.literal)
                     : s.literal;
      continue;
    }
    Values(s, job, slot, &values);
    if (script) {  // quoted for the shell that runs the script
      for (size_t v = 0; v < values.size(); ++v) {
        absl::StrAppend(&current, v > 0 ? " " : "", base::ShellQuote(values[v]));
      }
      continue;
    }
    // Several values: the word splits, one argument per value.
    for (size_t v = 0; v < values.size(); ++v) {
      if (v > 0) out->push_back(std::move(current)), current.clear();
      current += render ? base::ShellQuote(values[v]) : values[v];
    }
  }
  out->push_back(std::move(current));
}

std::vector<std::string> CommandTemplate::Expand(const Job& job,
                                                 uint32_t slot) const {
  std::vector<std::string> argv;
  for (size_t w = 0; w < words_.size(); ++w) {
    ExpandWord(words_[w], script_word_ == w, job, slot, false, &argv);
  }
  if (appends_) {
    for (absl::string_view v : job.values) argv.emplace_back(v);
  }
  return argv;
}

std::string CommandTemplate::Render(const Job& job, uint32_t slot) const {
  std::vector<std::string> pieces;
  for (size_t w = 0; w < words_.size(); ++w) {
    ExpandWord(words_[w], script_word_ == w, job, slot, true, &pieces);
  }
  if (appends_) {
    for (absl::string_view v : job.values) pieces.push_back(base::ShellQuote(v));
  }
  return absl::StrJoin(pieces, " ");
}

}  // namespace taskfarm::master
