// Tests of master::TaskLine: checking a tokenized line against the kinds'
// signatures, with the messages a user reads, and expanding ranges into the
// cross product of tasks (last range fastest, int and uint, negative, up to
// the 2^40 limit).

#include "master/input/task_line.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "master/input/kind_table.h"
#include "master/input/tokenizer.h"
#include "tests/testutil/kinds.h"

namespace taskfarm::master {
namespace {

using ::taskfarm::testutil::RenderArgs;

class TaskLineTest : public testing::Test {
 protected:
  absl::Status Parse(const std::string& text) {
    absl::Status s = tokenizer_.Tokenize(text);
    if (!s.ok()) return s;
    return line_.Parse(tokenizer_.words(), kinds_);
  }

  // Every task of the line, arguments rendered with their types.
  std::vector<std::string> Expand() {
    std::vector<std::string> tasks;
    std::vector<proto::Value> args;
    for (bool more = line_.First(&args); more; more = line_.Next(&args)) {
      tasks.push_back(RenderArgs(args));
      if (tasks.size() > 1000) break;  // a runaway odometer
    }
    return tasks;
  }

  std::vector<std::string> ParseAndExpand(const std::string& text) {
    absl::Status s = Parse(text);
    EXPECT_TRUE(s.ok()) << s;
    if (!s.ok()) return {};
    std::vector<std::string> tasks = Expand();
    EXPECT_EQ(line_.count(), tasks.size());
    return tasks;
  }

  const KindTable kinds_ = testutil::TestKinds();
  Tokenizer tokenizer_;
  TaskLine line_;
};

using Tasks = std::vector<std::string>;

TEST_F(TaskLineTest, ExpandsValuesAndRanges) {
  struct Case {
    std::string line;
    Tasks tasks;
  };
  const Case cases[] = {
      {"fib 30", {"30"}},
      {"fib 1..3", {"1", "2", "3"}},
      {"fib 5..5", {"5"}},
      {"fib -3..-1", {"-3", "-2", "-1"}},
      {"fib -1..1", {"-1", "0", "1"}},
      {"sleep 0..2", {"0u", "1u", "2u"}},
      {"fibmod 1..2 7..8", {"1 7", "1 8", "2 7", "2 8"}},
      {"grid 1..2 0..2",
       {"1u 0u", "1u 1u", "1u 2u", "2u 0u", "2u 1u", "2u 2u"}},
      {"fibmod 1..2 7", {"1 7", "2 7"}},
      {"tag 1..2 x", {"1 \"x\"", "2 \"x\""}},
      {"scale 2.5", {"2.5f"}},
      {"echo", {""}},
      {"echo a 'b c' \"d\"", {"\"a\" \"b c\" \"d\""}},
      {"echo 1..3", {"\"1..3\""}},  // str: never a range
      {"echo '1..3'", {"\"1..3\""}},
      {"hang", {""}},
      {"fib 9223372036854775806..9223372036854775807",
       {"9223372036854775806", "9223372036854775807"}},
      {"sleep 18446744073709551614..18446744073709551615",
       {"18446744073709551614u", "18446744073709551615u"}},
      {"fib -9223372036854775808..-9223372036854775807",
       {"-9223372036854775808", "-9223372036854775807"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    EXPECT_EQ(ParseAndExpand(c.line), c.tasks);
  }
}

TEST_F(TaskLineTest, ExpandsAgainFromFirst) {
  Tasks once = ParseAndExpand("fibmod 1..2 3..4");
  EXPECT_EQ(Expand(), once);
}

TEST_F(TaskLineTest, NamesItsKindByIndex) {
  ASSERT_TRUE(Parse("fib 1").ok());
  EXPECT_EQ(line_.kind(), 0u);
  ASSERT_TRUE(Parse("tag 1 x").ok());
  EXPECT_EQ(line_.kind(), 7u);
}

TEST_F(TaskLineTest, CountsUpTo2To40TasksWithoutExpanding) {
  struct Case {
    std::string line;
    uint64_t count;
  };
  const Case cases[] = {
      {"fib 0..1099511627775", uint64_t{1} << 40},
      {"grid 0..1048575 1..1048576", uint64_t{1} << 40},
      {"fibmod 1..3 1..366503875925", 3 * uint64_t{366503875925}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    ASSERT_TRUE(Parse(c.line).ok());
    EXPECT_EQ(line_.count(), c.count);
  }
}

TEST_F(TaskLineTest, ReportsErrorsAsAUserReadsThem) {
  struct Case {
    std::string line;
    absl::StatusCode code;
    std::string message;
  };
  const absl::StatusCode kBad = absl::StatusCode::kInvalidArgument;
  const Case cases[] = {
      {"fib x", kBad, "fib expects 1 integer argument, got \"x\""},
      {"fib", kBad, "fib expects 1 integer argument, got none"},
      {"fib 1 2", kBad, "fib expects 1 integer argument, got 2"},
      {"fib 1.5", kBad, "fib expects 1 integer argument, got \"1.5\""},
      {"fib 99999999999999999999", kBad,
       "fib expects 1 integer argument, got \"99999999999999999999\""},
      {"fib '1..3'", kBad, "fib expects 1 integer argument, got \"1..3\""},
      {"fib 1..", kBad, "fib expects 1 integer argument, got \"1..\""},
      {"fib ..3", kBad, "fib expects 1 integer argument, got \"..3\""},
      {"sleep -5", kBad,
       "sleep expects 1 non-negative integer argument, got \"-5\""},
      {"scale x", kBad, "scale expects 1 number argument, got \"x\""},
      {"scale 1..3", kBad, "scale expects 1 number argument, got \"1..3\""},
      {"hang 1", kBad, "hang expects no arguments, got 1"},
      {"exec", kBad, "exec expects at least 1 argument (str str...), got none"},
      {"fibmod 1", kBad, "fibmod expects 2 arguments (int int), got 1"},
      {"fibmod 1 x", kBad,
       "fibmod argument 2 (int): expected an integer, got \"x\""},
      {"grid 1 -2", kBad,
       "grid argument 2 (uint): expected a non-negative integer, got \"-2\""},
      {"fib 3..1", kBad,
       "fib argument 1: empty range \"3..1\" (the first end is above the "
       "last)"},
      {"fib 1..x", kBad,
       "fib argument 1: bad range \"1..x\": expected an integer, got \"x\""},
      {"fib 1...3", kBad,
       "fib argument 1: bad range \"1...3\": expected an integer, got \".3\""},
      {"sleep -1..3", kBad,
       "sleep argument 1: bad range \"-1..3\": expected a non-negative "
       "integer, "
       "got \"-1\""},
      {"fib 0..1099511627776", kBad,
       "fib: the line stands for more than 2^40 tasks; split it"},
      {"fib -9223372036854775808..9223372036854775807", kBad,
       "fib: the line stands for more than 2^40 tasks; split it"},
      {"grid 0..1048576 0..1048575", kBad,
       "grid: the line stands for more than 2^40 tasks; split it"},
      {"fibmod 1..3 1..366503875926", kBad,
       "fibmod: the line stands for more than 2^40 tasks; split it"},
      {"fbi 3", absl::StatusCode::kNotFound,
       "unknown task kind \"fbi\" (did you mean \"fib\"?); --list-tasks shows "
       "them all"},
      {"slep 3", absl::StatusCode::kNotFound,
       "unknown task kind \"slep\" (did you mean \"sleep\"?); --list-tasks "
       "shows them all"},
      {"frobnicate 3", absl::StatusCode::kNotFound,
       "unknown task kind \"frobnicate\"; --list-tasks shows them all"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    absl::Status s = Parse(c.line);
    EXPECT_EQ(s.code(), c.code);
    EXPECT_EQ(s.message(), c.message);
  }
}

TEST_F(TaskLineTest, RefusesMoreArgumentsThanATaskCarries) {
  std::string line = "echo";
  for (int i = 0; i < 4096; ++i) line += " a";
  EXPECT_TRUE(Parse(line).ok());
  absl::Status s = Parse(line + " a");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "echo: 4097 arguments; a task takes at most 4096");
}

TEST_F(TaskLineTest, OwnsItsStringsOnceParsed) {
  ASSERT_TRUE(Parse("tag 1..2 'a label'").ok());
  ASSERT_TRUE(tokenizer_.Tokenize("echo 'something else entirely' x y").ok());
  EXPECT_EQ(Expand(), (Tasks{"1 \"a label\"", "2 \"a label\""}));
}

TEST_F(TaskLineTest, ReparsingForgetsThePreviousLine) {
  ASSERT_TRUE(Parse("fibmod 1..2 3..4").ok());
  EXPECT_EQ(ParseAndExpand("fib 7"), (Tasks{"7"}));
  // Nor does a failed parse leave ranges behind.
  ASSERT_FALSE(Parse("fibmod 1..5 x").ok());
  EXPECT_EQ(ParseAndExpand("fibmod 1 2"), (Tasks{"1 2"}));
}

TEST_F(TaskLineTest, CanonicalFormIgnoresSpellingButNotTasks) {
  auto canonical = [this](const std::string& text) {
    EXPECT_TRUE(Parse(text).ok()) << text;
    std::string out;
    line_.AppendCanonical(&out);
    return out;
  };
  EXPECT_EQ(canonical("fib 1..3"), canonical("  fib\t1..3   # three"));
  EXPECT_EQ(canonical("echo a"), canonical("echo 'a'"));
  EXPECT_NE(canonical("fib 1..3"), canonical("fib 1..4"));
  EXPECT_NE(canonical("fib 5"), canonical("echo 5"));
  EXPECT_NE(canonical("echo a b"), canonical("echo 'a b'"));
}

}  // namespace
}  // namespace taskfarm::master
