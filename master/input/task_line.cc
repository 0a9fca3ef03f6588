#include "master/input/task_line.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

// Splits "A..B" into its ends; false if `text` is not a range.
bool SplitRange(absl::string_view text, absl::string_view* lo,
                absl::string_view* hi) {
  size_t dots = text.find("..");
  if (dots == absl::string_view::npos || dots == 0 ||
      dots + 2 >= text.size()) {
    return false;
  }
  *lo = text.substr(0, dots);
  *hi = text.substr(dots + 2);
  return true;
}

// A short plain decimal ("30", "-7"): what almost every argument is, read
// without the general parser. False for anything else (the caller then
// uses proto::ParseArg, which decides and words the error).
bool FastInteger(proto::ArgType type, absl::string_view text,
                 proto::Value* out) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative && type != proto::ArgType::kInt) return false;
  const size_t first = negative ? 1 : 0;
  // 18 digits cannot overflow either type.
  if (text.size() == first || text.size() - first > 18) return false;
  int64_t v = 0;
  for (size_t i = first; i < text.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(text[i]) - unsigned{'0'};
    if (d > 9) return false;
    v = v * 10 + d;
  }
  if (type == proto::ArgType::kInt) {
    *out = negative ? -v : v;
  } else {
    *out = static_cast<uint64_t>(v);
  }
  return true;
}

}  // namespace

absl::Status TaskLine::Parse(const std::vector<Word>& words,
                             const KindTable& kinds) {
  args_.clear();
  ranges_.clear();
  storage_.clear();
  count_ = 1;
  absl::string_view name = words[0].text;
  // Task files repeat one kind line after line: skip the hash lookup then.
  if (table_ != &kinds || name != name_) {
    std::optional<uint32_t> kind = kinds.Find(name);
    if (!kind) {
      std::string suggestion = kinds.Suggest(name);
      return absl::NotFoundError(absl::StrCat(
          "unknown task kind \"", name, "\"",
          suggestion.empty() ? "" : absl::StrCat(" (did you mean \"", suggestion, "\"?)"),
          "; --list-tasks shows them all"));
    }
    kind_ = *kind;
    name_ = kinds.at(kind_).name;
    table_ = &kinds;
  }
  const Kind& k = kinds.at(kind_);
  const size_t n = words.size() - 1;
  if (!k.signature.AcceptsCount(n)) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " expects ", k.signature.Describe(), ", got ",
        n == 0 ? "none" : absl::StrCat(n)));
  }
  // String arguments are copied; views are made once storage_ is complete.
  std::vector<std::pair<size_t, size_t>> strings;  // (offset, length)
  for (size_t i = 0; i < n; ++i) {
    const Word& w = words[i + 1];
    proto::ArgType type = k.signature.TypeAt(i);
    Arg arg;
    absl::string_view lo, hi;
    bool integer = type == proto::ArgType::kInt || type == proto::ArgType::kUint;
    if (integer && FastInteger(type, w.text, &arg.value)) {
      // A plain number, the usual case: nothing more to check.
    } else if (integer && !w.quoted && SplitRange(w.text, &lo, &hi)) {
      absl::StatusOr<proto::Value> a = proto::ParseArg(type, lo);
      absl::StatusOr<proto::Value> b = a.ok() ? proto::ParseArg(type, hi) : a;
      if (!b.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, " argument ", i + 1, ": bad range \"", w.text, "\": ",
            b.status().message()));
      }
      arg.range = true;
      bool empty;
      uint64_t span;  // last - first
      if (type == proto::ArgType::kInt) {
        arg.lo = std::get<int64_t>(*a);
        arg.hi = std::get<int64_t>(*b);
        empty = arg.hi < arg.lo;
        span = static_cast<uint64_t>(arg.hi) - static_cast<uint64_t>(arg.lo);
      } else {
        arg.is_unsigned = true;
        arg.ulo = std::get<uint64_t>(*a);
        arg.uhi = std::get<uint64_t>(*b);
        empty = arg.uhi < arg.ulo;
        span = arg.uhi - arg.ulo;
      }
      if (empty) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " argument ", i + 1, ": empty range \"",
                         w.text, "\" (the first end is above the last)"));
      }
      if (span >= kMaxLineTasks || span + 1 > kMaxLineTasks / count_) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, ": the line stands for more than 2^40 tasks; split it"));
      }
      const uint64_t size = span + 1;
      count_ *= size;
      ranges_.push_back(args_.size());
    } else if (type == proto::ArgType::kStr) {
      strings.emplace_back(storage_.size(), w.text.size());
      storage_.append(w.text.data(), w.text.size());
    } else {
      absl::StatusOr<proto::Value> v = proto::ParseArg(type, w.text);
      if (!v.ok()) {
        if (!k.signature.variadic() && k.signature.fixed_count() == 1) {
          return absl::InvalidArgumentError(absl::StrCat(
              name, " expects ", k.signature.Describe(), ", got \"", w.text,
              "\""));
        }
        return absl::InvalidArgumentError(absl::StrCat(
            name, " argument ", i + 1, " (", proto::ArgTypeName(type),
            "): ", v.status().message()));
      }
      arg.value = *v;
    }
    args_.push_back(arg);
  }
  size_t next_string = 0;
  for (size_t i = 0; i < n; ++i) {
    if (k.signature.TypeAt(i) == proto::ArgType::kStr) {
      auto [offset, length] = strings[next_string++];
      args_[i].value = absl::string_view(storage_).substr(offset, length);
    }
  }
  return absl::OkStatus();
}

bool TaskLine::First(std::vector<proto::Value>* args) {
  for (size_t r : ranges_) {
    Arg& a = args_[r];
    a.value = a.is_unsigned ? proto::Value{a.ulo} : proto::Value{a.lo};
  }
  args->clear();
  for (const Arg& a : args_) args->push_back(a.value);
  return true;
}

bool TaskLine::Next(std::vector<proto::Value>* args) {
  // Odometer: the last range turns fastest.
  for (size_t k = ranges_.size(); k-- > 0;) {
    Arg& a = args_[ranges_[k]];
    if (a.is_unsigned) {
      uint64_t& v = std::get<uint64_t>(a.value);
      if (v < a.uhi) {
        ++v;
        (*args)[ranges_[k]] = a.value;
        return true;
      }
      v = a.ulo;
    } else {
      int64_t& v = std::get<int64_t>(a.value);
      if (v < a.hi) {
        ++v;
        (*args)[ranges_[k]] = a.value;
        return true;
      }
      v = a.lo;
    }
    (*args)[ranges_[k]] = a.value;
  }
  return false;
}

void TaskLine::AppendCanonical(std::string* out) const {
  out->append(name_.data(), name_.size());
  for (const Arg& a : args_) {
    out->push_back('\x1f');
    if (a.range) {
      if (a.is_unsigned) {
        absl::StrAppend(out, a.ulo, "..", a.uhi);
      } else {
        absl::StrAppend(out, a.lo, "..", a.hi);
      }
      continue;
    }
    std::visit(
        [out](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, absl::string_view>) {
            // Length-prefixed: no text can pass for another line's.
            absl::StrAppend(out, "s", x.size(), ":", x);
          } else {
            absl::StrAppend(out, x);
          }
        },
        a.value);
  }
  out->push_back('\n');
}

}  // namespace taskfarm::master
