#include "proto/signature.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/check.h"

namespace taskfarm::proto {

absl::string_view ArgTypeName(ArgType type) {
  switch (type) {
    case ArgType::kInt:
      return "int";
    case ArgType::kUint:
      return "uint";
    case ArgType::kFloat:
      return "float";
    case ArgType::kStr:
      return "str";
  }
  return "?";
}

absl::StatusOr<Signature> Signature::Parse(absl::string_view text) {
  Signature sig;
  std::vector<absl::string_view> words =
      absl::StrSplit(text, ' ', absl::SkipWhitespace());
  for (size_t i = 0; i < words.size(); ++i) {
    absl::string_view word = words[i];
    bool rest = absl::ConsumeSuffix(&word, "...");
    if (rest && i + 1 != words.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "signature \"", text, "\": only the last type may repeat"));
    }
    ArgType type;
    if (word == "int") {
      type = ArgType::kInt;
    } else if (word == "uint") {
      type = ArgType::kUint;
    } else if (word == "float") {
      type = ArgType::kFloat;
    } else if (word == "str") {
      type = ArgType::kStr;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "signature \"", text, "\": unknown type \"", words[i], "\""));
    }
    sig.types_.push_back(type);
    sig.variadic_ = rest;
  }
  return sig;
}

std::string Signature::ToString() const {
  std::string out;
  for (size_t i = 0; i < types_.size(); ++i) {
    if (i > 0) out += ' ';
    absl::StrAppend(&out, ArgTypeName(types_[i]));
  }
  if (variadic_) out += "...";
  return out;
}

std::string Signature::Describe() const {
  size_t n = fixed_count();
  if (!variadic_ && n == 0) return "no arguments";
  std::string count = absl::StrCat(n, n == 1 ? " argument" : " arguments");
  if (variadic_) {
    count =
        n == 0 ? "any number of arguments" : absl::StrCat("at least ", count);
  }
  if (!variadic_ && n == 1) {
    switch (types_[0]) {
      case ArgType::kInt:
        return "1 integer argument";
      case ArgType::kUint:
        return "1 non-negative integer argument";
      case ArgType::kFloat:
        return "1 number argument";
      case ArgType::kStr:
        return "1 argument";
    }
  }
  return absl::StrCat(count, " (", ToString(), ")");
}

bool Signature::AcceptsCount(size_t count) const {
  return variadic_ ? count >= fixed_count() : count == types_.size();
}

ArgType Signature::TypeAt(size_t index) const {
  TF_CHECK(AcceptsCount(index + 1) || index < types_.size());
  return index < types_.size() ? types_[index] : types_.back();
}

absl::Status Signature::Coerce(std::vector<Value>* args) const {
  if (!AcceptsCount(args->size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("expects ", Describe(), ", got ", args->size()));
  }
  for (size_t i = 0; i < args->size(); ++i) {
    Value& v = (*args)[i];
    bool ok = true;
    switch (TypeAt(i)) {
      case ArgType::kInt:
        if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
          ok = *u <= static_cast<uint64_t>(INT64_MAX);
          if (ok) v = static_cast<int64_t>(*u);
        } else {
          ok = std::holds_alternative<int64_t>(v);
        }
        break;
      case ArgType::kUint:
        if (const int64_t* s = std::get_if<int64_t>(&v)) {
          ok = *s >= 0;
          if (ok) v = static_cast<uint64_t>(*s);
        } else {
          ok = std::holds_alternative<uint64_t>(v);
        }
        break;
      case ArgType::kFloat:
        if (const int64_t* s = std::get_if<int64_t>(&v)) {
          v = static_cast<double>(*s);
        } else if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
          v = static_cast<double>(*u);
        } else {
          ok = std::holds_alternative<double>(v);
        }
        break;
      case ArgType::kStr:
        ok = std::holds_alternative<absl::string_view>(v);
        break;
    }
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "argument ", i + 1, " is not of type ", ArgTypeName(TypeAt(i))));
    }
  }
  return absl::OkStatus();
}

namespace {

absl::Status Expected(absl::string_view what, absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("expected ", what, ", got \"", text, "\""));
}

// absl's number parsers skip surrounding whitespace; ParseArg does not.
bool Padded(absl::string_view text) {
  return !text.empty() &&
         (absl::ascii_isspace(static_cast<unsigned char>(text.front())) ||
          absl::ascii_isspace(static_cast<unsigned char>(text.back())));
}

}  // namespace

absl::StatusOr<Value> ParseArg(ArgType type, absl::string_view text) {
  switch (type) {
    case ArgType::kInt: {
      int64_t v;
      if (Padded(text) || !absl::SimpleAtoi(text, &v)) {
        return Expected("an integer", text);
      }
      return Value{v};
    }
    case ArgType::kUint: {
      uint64_t v;  // SimpleAtoi refuses any '-', even "-0"
      if (Padded(text) || !absl::SimpleAtoi(text, &v)) {
        return Expected("a non-negative integer", text);
      }
      return Value{v};
    }
    case ArgType::kFloat: {
      double v;  // SimpleAtod takes "nan" and "inf", and makes 1e999 inf
      if (Padded(text) || !absl::SimpleAtod(text, &v) || !std::isfinite(v)) {
        return Expected("a finite number", text);
      }
      return Value{v};
    }
    case ArgType::kStr:
      return Value{text};
  }
  return absl::InternalError("unknown argument type");
}

}  // namespace taskfarm::proto
