// Tests of master::Tokenizer, which splits a line of the task language into
// words: blanks, '...' and "..." quoting, escapes, comments, and the errors
// a user sees for a broken line.

#include "master/input/tokenizer.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace taskfarm::master {
namespace {

// Words as "text" or "'text'" (quoted), for comparison.
std::vector<std::string> Words(const Tokenizer& t) {
  std::vector<std::string> out;
  for (const Word& w : t.words()) {
    out.push_back(w.quoted ? absl::StrCat("'", w.text, "'")
                           : std::string(w.text));
  }
  return out;
}

TEST(Tokenizer, SplitsLinesIntoWords) {
  struct Case {
    std::string line;
    std::vector<std::string> words;
  };
  const Case cases[] = {
      {"fib 30", {"fib", "30"}},
      {"  fib\t30   ", {"fib", "30"}},
      {"fib 30\r", {"fib", "30"}},  // a CRLF file
      {"", {}},
      {" \t ", {}},
      {"# a comment", {}},
      {"   # indented comment", {}},
      {"fib 30 # why", {"fib", "30"}},
      {"fib 30#x", {"fib", "30#x"}},  // '#' inside a word is text
      {"exec sh -c 'echo \"a b\"'", {"exec", "sh", "-c", "'echo \"a b\"'"}},
      {"fail \"two\\twords\"  # why", {"fail", "'two\twords'"}},
      {"echo 'a\\nb'", {"echo", "'a\\nb'"}},  // '...' is literal
      {"echo \"a\\\"b\" \"back\\\\slash\" \"new\\nline\"",
       {"echo", "'a\"b'", "'back\\slash'", "'new\nline'"}},
      {"echo ab'cd'\"ef\"gh", {"echo", "'abcdefgh'"}},  // one word
      {"echo '' \"\"", {"echo", "''", "''"}},
      {"echo '#not a comment' \"# nor this\"",
       {"echo", "'#not a comment'", "'# nor this'"}},
      {"echo 'a;b'", {"echo", "'a;b'"}},
      {"fib '1..3'", {"fib", "'1..3'"}},
      {"echo 'h\xc3\xa9llo' w\xc3\xb6rld",
       {"echo", "'h\xc3\xa9llo'", "w\xc3\xb6rld"}},
  };
  Tokenizer t;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    ASSERT_TRUE(t.Tokenize(c.line).ok());
    EXPECT_EQ(Words(t), c.words);
  }
}

TEST(Tokenizer, ReportsBrokenQuotesAndEscapes) {
  struct Case {
    std::string line;
    std::string message;
  };
  const Case cases[] = {
      {"echo 'abc", "unclosed ' quote"},
      {"echo \"abc", "unclosed \" quote"},
      {"echo \"abc\\", "unclosed \" quote"},
      {"echo \"abc\\\"", "unclosed \" quote"},
      {"echo ok 'x", "unclosed ' quote"},
      {"echo \"a\\qb\"", "unknown escape \\q in \"...\""},
  };
  Tokenizer t;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    absl::Status s = t.Tokenize(c.line);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), c.message);
  }
}

TEST(Tokenizer, QuotedWordsStayValidWhileLaterOnesGrowTheStorage) {
  const std::string a(10, 'a'), b(1000, 'b'), c(100000, 'c');
  const std::string line =
      absl::StrCat("'", a, "' plain \"", b, "\" '", c, "'");
  Tokenizer t;
  ASSERT_TRUE(t.Tokenize(line).ok());
  ASSERT_EQ(t.words().size(), 4u);
  EXPECT_EQ(t.words()[0].text, a);
  EXPECT_EQ(t.words()[1].text, "plain");
  EXPECT_EQ(t.words()[2].text, b);
  EXPECT_EQ(t.words()[3].text, c);
}

TEST(Tokenizer, EachLineStartsAfresh) {
  Tokenizer t;
  ASSERT_TRUE(t.Tokenize("echo 'one' two three").ok());
  ASSERT_TRUE(t.Tokenize("fib '4'").ok());
  EXPECT_EQ(Words(t), (std::vector<std::string>{"fib", "'4'"}));
  // A failed line leaves nothing of the previous one behind either.
  EXPECT_FALSE(t.Tokenize("echo 'x").ok());
  ASSERT_TRUE(t.Tokenize("").ok());
  EXPECT_TRUE(t.words().empty());
}

}  // namespace
}  // namespace taskfarm::master
