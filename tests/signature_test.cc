// File: tests/signature_test.cc
//
// proto::Signature and proto::ParseArg: the text form of argument lists,
// its wording in error messages, argument counting with "...", coercion of
// decoded arguments, and parsing of one argument from text at the edges of
// every type.

#include "proto/signature.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/value.h"

namespace taskfarm::proto {
namespace {

constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

Signature MustParse(absl::string_view text) {
  absl::StatusOr<Signature> sig = Signature::Parse(text);
  EXPECT_TRUE(sig.ok()) << sig.status();
  return sig.ok() ? *sig : Signature();
}

TEST(Signature, ParsesGoodTexts) {
  struct Case {
    const char* text;
    std::vector<ArgType> types;
    bool variadic;
    const char* canonical;
  };
  const Case cases[] = {
      {"", {}, false, ""},
      {"   ", {}, false, ""},
      {"int", {ArgType::kInt}, false, "int"},
      {"uint uint", {ArgType::kUint, ArgType::kUint}, false, "uint uint"},
      {"  float   int ", {ArgType::kFloat, ArgType::kInt}, false, "float int"},
      {"str...", {ArgType::kStr}, true, "str..."},
      {"str str...", {ArgType::kStr, ArgType::kStr}, true, "str str..."},
      {"int float uint str...",
       {ArgType::kInt, ArgType::kFloat, ArgType::kUint, ArgType::kStr},
       true,
       "int float uint str..."},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Signature sig = MustParse(c.text);
    EXPECT_EQ(sig.types(), c.types);
    EXPECT_EQ(sig.variadic(), c.variadic);
    EXPECT_EQ(sig.ToString(), c.canonical);
    EXPECT_EQ(MustParse(sig.ToString()), sig);
  }
}

TEST(Signature, RejectsBadTexts) {
  const char* const cases[] = {
      "integer",    "Int",           "int,str", "...",      "int ...",
      "int... str", "str... str...", "int....", "int\tstr", "float64",
  };
  for (const char* text : cases) {
    SCOPED_TRACE(text);
    absl::StatusOr<Signature> sig = Signature::Parse(text);
    EXPECT_EQ(sig.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(Signature, ErrorNamesTheBadWord) {
  absl::Status s = Signature::Parse("int strng").status();
  EXPECT_EQ(s.message(), "signature \"int strng\": unknown type \"strng\"");
  s = Signature::Parse("str... int").status();
  EXPECT_EQ(s.message(),
            "signature \"str... int\": only the last type may repeat");
}

TEST(Signature, DescribesItself) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "no arguments"},
      {"int", "1 integer argument"},
      {"uint", "1 non-negative integer argument"},
      {"float", "1 number argument"},
      {"str", "1 argument"},
      {"uint uint", "2 arguments (uint uint)"},
      {"str...", "any number of arguments (str...)"},
      {"str str...", "at least 1 argument (str str...)"},
      {"int float str...", "at least 2 arguments (int float str...)"},
  };
  for (const auto& [text, description] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(MustParse(text).Describe(), description);
  }
}

TEST(Signature, CountsArgumentsWithAndWithoutRepeats) {
  using enum ArgType;
  struct Case {
    const char* text;
    size_t fixed_count;
    std::vector<size_t> accepted;
    std::vector<size_t> refused;
    std::vector<ArgType> types;  // TypeAt(0), TypeAt(1), ...
  };
  const Case cases[] = {
      {"", 0, {0}, {1}, {}},
      {"int str", 2, {2}, {0, 1, 3}, {kInt, kStr}},
      {"str...", 0, {0, 1, 1000}, {}, {kStr, kStr, kStr}},
      {"int float uint...",
       2,
       {2, 3, 5},
       {0, 1},
       {kInt, kFloat, kUint, kUint, kUint}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Signature sig = MustParse(c.text);
    EXPECT_EQ(sig.fixed_count(), c.fixed_count);
    for (size_t n : c.accepted) EXPECT_TRUE(sig.AcceptsCount(n)) << n;
    for (size_t n : c.refused) EXPECT_FALSE(sig.AcceptsCount(n)) << n;
    for (size_t i = 0; i < c.types.size(); ++i) {
      EXPECT_EQ(sig.TypeAt(i), c.types[i]) << "TypeAt(" << i << ")";
    }
  }
}

TEST(Signature, CoercesToDeclaredTypes) {
  struct Case {
    const char* signature;
    std::vector<Value> in;
    std::vector<Value> out;
  };
  const std::vector<Case> cases = {
      {"int", {uint64_t{5}}, {int64_t{5}}},
      {"int", {uint64_t{kI64Max}}, {kI64Max}},
      {"int", {kI64Min}, {kI64Min}},
      {"uint", {int64_t{0}}, {uint64_t{0}}},
      {"uint", {kU64Max}, {kU64Max}},
      {"float", {int64_t{-3}}, {-3.0}},
      {"float", {uint64_t{1} << 53}, {9007199254740992.0}},
      {"float", {2.5}, {2.5}},
      {"str", {absl::string_view("x")}, {absl::string_view("x")}},
      {"", {}, {}},
      {"int str...",
       {uint64_t{1}, absl::string_view("a"), absl::string_view("b")},
       {int64_t{1}, absl::string_view("a"), absl::string_view("b")}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.signature);
    std::vector<Value> args = c.in;
    ASSERT_TRUE(MustParse(c.signature).Coerce(&args).ok());
    EXPECT_EQ(args, c.out);
    for (size_t i = 0; i < args.size(); ++i) {
      EXPECT_EQ(args[i].index(), c.out[i].index()) << "argument " << i;
    }
  }
}

TEST(Signature, CoerceRejectsWhatDoesNotFit) {
  struct Case {
    const char* signature;
    std::vector<Value> in;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"int", {uint64_t{kI64Max} + 1}, "argument 1 is not of type int"},
      {"int", {1.0}, "argument 1 is not of type int"},
      {"uint", {int64_t{-1}}, "argument 1 is not of type uint"},
      {"uint", {absl::string_view("1")}, "argument 1 is not of type uint"},
      {"float", {absl::string_view("1.5")}, "argument 1 is not of type float"},
      {"str", {int64_t{1}}, "argument 1 is not of type str"},
      {"int str...",
       {int64_t{1}, absl::string_view("a"), 2.0},
       "argument 3 is not of type str"},
      {"int", {}, "expects 1 integer argument, got 0"},
      {"int", {int64_t{1}, int64_t{2}}, "expects 1 integer argument, got 2"},
      {"", {int64_t{1}}, "expects no arguments, got 1"},
      {"int float...", {}, "expects at least 1 argument (int float...), got 0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.signature);
    std::vector<Value> args = c.in;
    absl::Status s = MustParse(c.signature).Coerce(&args);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), c.message);
  }
}

TEST(ParseArg, ParsesGoodTexts) {
  struct Case {
    ArgType type;
    const char* text;
    Value want;
  };
  const std::vector<Case> cases = {
      {ArgType::kInt, "0", int64_t{0}},
      {ArgType::kInt, "-0", int64_t{0}},
      {ArgType::kInt, "+5", int64_t{5}},
      {ArgType::kInt, "-42", int64_t{-42}},
      {ArgType::kInt, "007", int64_t{7}},
      {ArgType::kInt, "9223372036854775807", kI64Max},
      {ArgType::kInt, "-9223372036854775808", kI64Min},
      {ArgType::kUint, "0", uint64_t{0}},
      {ArgType::kUint, "+5", uint64_t{5}},
      {ArgType::kUint, "18446744073709551615", kU64Max},
      {ArgType::kFloat, "1.5", 1.5},
      {ArgType::kFloat, "-2", -2.0},
      {ArgType::kFloat, "+.5", 0.5},
      {ArgType::kFloat, "1e3", 1000.0},
      {ArgType::kFloat, "1E-3", 0.001},
      {ArgType::kFloat, "1e-400", 0.0},  // underflows to zero: still finite
      {ArgType::kFloat, "1.7976931348623157e308",
       std::numeric_limits<double>::max()},
      {ArgType::kStr, "", absl::string_view()},
      {ArgType::kStr, " spaced out ", absl::string_view(" spaced out ")},
      {ArgType::kStr, "ünïcødé", absl::string_view("ünïcødé")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(ArgTypeName(c.type), " \"", c.text, "\""));
    absl::StatusOr<Value> v = ParseArg(c.type, c.text);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(*v, c.want);
    EXPECT_EQ(v->index(), c.want.index());
  }
}

TEST(ParseArg, StringIsAViewOfTheText) {
  const std::string text = "hello";
  absl::StatusOr<Value> v = ParseArg(ArgType::kStr, text);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<absl::string_view>(*v).data(), text.data());
}

TEST(ParseArg, RejectsBadTexts) {
  struct Case {
    ArgType type;
    const char* text;
  };
  const Case cases[] = {
      {ArgType::kInt, ""},
      {ArgType::kInt, "x"},
      {ArgType::kInt, "1.5"},
      {ArgType::kInt, "1e3"},
      {ArgType::kInt, "0x10"},
      {ArgType::kInt, "5 "},
      {ArgType::kInt, " 5"},
      {ArgType::kInt, "+-5"},
      {ArgType::kInt, "9223372036854775808"},
      {ArgType::kInt, "-9223372036854775809"},
      {ArgType::kUint, ""},
      {ArgType::kUint, "-1"},
      {ArgType::kUint, "-0"},
      {ArgType::kUint, "18446744073709551616"},
      {ArgType::kUint, "\t7"},
      {ArgType::kFloat, ""},
      {ArgType::kFloat, "nan"},
      {ArgType::kFloat, "NaN"},
      {ArgType::kFloat, "-nan"},
      {ArgType::kFloat, "inf"},
      {ArgType::kFloat, "-infinity"},
      {ArgType::kFloat, "1e999"},
      {ArgType::kFloat, "-1e999"},
      {ArgType::kFloat, "1.5x"},
      {ArgType::kFloat, "1,5"},
      {ArgType::kFloat, " 1.5"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(ArgTypeName(c.type), " \"", c.text, "\""));
    EXPECT_EQ(ParseArg(c.type, c.text).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(ParseArg, ErrorSaysWhatWasExpected) {
  EXPECT_EQ(ParseArg(ArgType::kInt, "x").status().message(),
            "expected an integer, got \"x\"");
  EXPECT_EQ(ParseArg(ArgType::kUint, "-0").status().message(),
            "expected a non-negative integer, got \"-0\"");
  EXPECT_EQ(ParseArg(ArgType::kFloat, "nan").status().message(),
            "expected a finite number, got \"nan\"");
}

TEST(SignatureDeathTest, TypeAtPastTheEndIsABug) {
  Signature two = MustParse("int str");
  EXPECT_DEATH_IF_SUPPORTED((void)two.TypeAt(2), "check failed");
}

}  // namespace
}  // namespace taskfarm::proto
