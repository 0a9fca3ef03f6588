#include "master/input/task_line.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "proto/batch.h"

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
  values_.clear();
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
  if (n > proto::kMaxArgs) {  // a worker would refuse the batch
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": ", n, " arguments; a task takes at most ", proto::kMaxArgs));
  }
  // String arguments are copied; views are made once storage_ is complete.
  std::vector<std::pair<size_t, size_t>> strings;  // (offset, length)
  for (size_t i = 0; i < n; ++i) {
    const Word& w = words[i + 1];
    proto::ArgType type = k.signature.TypeAt(i);
    // Built in place: a variant copied in from the stack costs a stalled
    // load (its index byte was just stored) on every argument.
    proto::Value& value = values_.emplace_back();
    absl::string_view lo, hi;
    bool integer = type == proto::ArgType::kInt || type == proto::ArgType::kUint;
    if (integer && FastInteger(type, w.text, &value)) {
      // A plain number, the usual case: nothing more to check.
    } else if (integer && !w.quoted && SplitRange(w.text, &lo, &hi)) {
      absl::StatusOr<proto::Value> a = proto::ParseArg(type, lo);
      absl::StatusOr<proto::Value> b = a.ok() ? proto::ParseArg(type, hi) : a;
      if (!b.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, " argument ", i + 1, ": bad range \"", w.text, "\": ",
            b.status().message()));
      }
      ArgRange range;
      range.position = static_cast<uint32_t>(i);
      bool empty;
      if (type == proto::ArgType::kInt) {
        empty = std::get<int64_t>(*b) < std::get<int64_t>(*a);
        range.lo = static_cast<uint64_t>(std::get<int64_t>(*a));
        range.hi = static_cast<uint64_t>(std::get<int64_t>(*b));
      } else {
        range.is_unsigned = true;
        range.lo = std::get<uint64_t>(*a);
        range.hi = std::get<uint64_t>(*b);
        empty = range.hi < range.lo;
      }
      if (empty) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " argument ", i + 1, ": empty range \"",
                         w.text, "\" (the first end is above the last)"));
      }
      const uint64_t span = range.span();
      if (span >= kMaxLineTasks || span + 1 > kMaxLineTasks / count_) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, ": the line stands for more than 2^40 tasks; split it"));
      }
      count_ *= span + 1;
      value = range.First();
      ranges_.push_back(range);
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
      value = *v;
    }
  }
  size_t next_string = 0;
  for (size_t i = 0; i < n; ++i) {
    if (k.signature.TypeAt(i) == proto::ArgType::kStr) {
      auto [offset, length] = strings[next_string++];
      values_[i] = absl::string_view(storage_).substr(offset, length);
    }
  }
  return absl::OkStatus();
}

bool TaskLine::First(std::vector<proto::Value>* args) const {
  args->assign(values_.begin(), values_.end());
  return true;
}

bool TaskLine::Next(std::vector<proto::Value>* args) const {
  return OdometerNext(ranges_, args);
}

void TaskLine::AppendCanonical(std::string* out) const {
  out->append(name_.data(), name_.size());
  size_t next_range = 0;
  for (size_t i = 0; i < values_.size(); ++i) {
    out->push_back('\x1f');
    if (next_range < ranges_.size() && ranges_[next_range].position == i) {
      const ArgRange& r = ranges_[next_range++];
      if (r.is_unsigned) {
        absl::StrAppend(out, r.lo, "..", r.hi);
      } else {
        absl::StrAppend(out, static_cast<int64_t>(r.lo), "..",
                        static_cast<int64_t>(r.hi));
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
        values_[i]);
  }
  out->push_back('\n');
}

}  // namespace taskfarm::master
