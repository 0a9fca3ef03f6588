#include "master/input/tokenizer.h"

#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

absl::Status Tokenizer::Tokenize(absl::string_view line) {
  words_.clear();
  unescaped_.clear();
  // Unescaped words are appended to unescaped_; remember offsets, and make
  // the views once the string stops growing.
  struct Pending {
    size_t word;
    size_t offset;
    size_t length;
  };
  std::vector<Pending> pending;
  size_t i = 0;
  const size_t n = line.size();
  while (i < n) {
    while (i < n && IsBlank(line[i])) ++i;
    if (i == n || line[i] == '#') break;
    size_t start = i;
    // Fast path: a plain word.
    while (i < n && !IsBlank(line[i]) && line[i] != '\'' && line[i] != '"') ++i;
    if (i == n || IsBlank(line[i])) {
      // Fields set in place (a Word copied in from the stack stalls on
      // reading back the bool just stored).
      Word& w = words_.emplace_back();
      w.text = absl::string_view(line.data() + start, i - start);
      continue;
    }
    // A word with quotes in it: build it in unescaped_.
    size_t offset = unescaped_.size();
    unescaped_.append(line.data() + start, i - start);
    while (i < n && !IsBlank(line[i])) {
      char c = line[i];
      if (c == '\'') {
        size_t close = line.find('\'', i + 1);
        if (close == absl::string_view::npos) {
          return absl::InvalidArgumentError("unclosed ' quote");
        }
        unescaped_.append(line.data() + i + 1, close - i - 1);
        i = close + 1;
      } else if (c == '"') {
        ++i;
        while (i < n && line[i] != '"') {
          if (line[i] == '\\') {
            if (i + 1 == n) return absl::InvalidArgumentError("unclosed \" quote");
            char e = line[i + 1];
            switch (e) {
              case '"': unescaped_.push_back('"'); break;
              case '\\': unescaped_.push_back('\\'); break;
              case 'n': unescaped_.push_back('\n'); break;
              case 't': unescaped_.push_back('\t'); break;
              default:
                return absl::InvalidArgumentError(
                    absl::StrCat("unknown escape \\", absl::string_view(&e, 1),
                                 " in \"...\""));
            }
            i += 2;
          } else {
            unescaped_.push_back(line[i++]);
          }
        }
        if (i == n) return absl::InvalidArgumentError("unclosed \" quote");
        ++i;
      } else {
        unescaped_.push_back(c);
        ++i;
      }
    }
    pending.push_back({words_.size(), offset, unescaped_.size() - offset});
    words_.push_back({absl::string_view(), true});
  }
  for (const Pending& p : pending) {
    words_[p.word].text = absl::string_view(unescaped_).substr(p.offset, p.length);
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::master
