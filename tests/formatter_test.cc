// Tests of logger::Formatter in each output format: the exact text lines,
// jsonl lines that every JSON parser accepts (whatever bytes the task
// returned), csv rows that an RFC 4180 reader splits back into the same
// fields, and output that journal::Scan reads back as the same ids.

#include "logger/formatter.h"

#include <cmath>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "journal/encoding.h"
#include "journal/format.h"
#include "journal/scan.h"
#include "master/input/tokenizer.h"
#include "nlohmann/json.hpp"
#include "proto/batch.h"
#include "tests/testutil/files.h"
#include "tests/testutil/printers.h"

namespace taskfarm::logger {
namespace {

using journal::Format;
using proto::TaskStatus;

proto::RecordView Record(uint64_t id, absl::string_view kind,
                         std::vector<proto::Value> args, TaskStatus status,
                         absl::string_view result, int64_t pid = 4711,
                         uint32_t attempts = 1, uint64_t elapsed_us = 3) {
  proto::RecordView r;
  r.id = id;
  r.kind = kind;
  r.args = std::move(args);
  r.status = status;
  r.result = result;
  r.worker_pid = pid;
  r.attempts = attempts;
  r.elapsed_us = elapsed_us;
  return r;
}

std::string Format1(Format format, const proto::RecordView& r) {
  OutBuffer out;
  MakeFormatter(format)->Append(r, &out);
  return std::string(out.view());
}

// Results that are hard to write down: quotes, backslashes, separators,
// control characters, UTF-8 and bytes that are not UTF-8.
const std::vector<std::string>& NastyResults() {
  static const auto* const results = new std::vector<std::string>{
      "",
      "plain",
      "say \"hi\"",
      "back\\slash",
      "a,b,,c",
      "two\nlines",
      "cr\rlf\r\n",
      std::string("nul\0byte", 8),
      "\x01\x1f\x7f",
      "tab\there",
      "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80",
      "\xff\xfe",
      "] #99 fib(1) = 1",
      "{\"id\":5,",
  };
  return *results;
}

// Every byte value, alone and between text, and all of them in one
// string, come back exactly (issue 10.18: raw bytes were written as the
// Latin-1 characters of the same values, so 0xff and "ÿ" looked the same).
std::vector<std::string> EveryByte() {
  std::vector<std::string> strings;
  std::string all;
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    strings.push_back(std::string(1, c));
    strings.push_back(absl::StrCat("a", std::string(1, c), "z"));
    all.push_back(c);
  }
  strings.push_back(all);
  strings.push_back("\xc3\xbf");  // U+00FF as UTF-8: not the byte 0xff
  return strings;
}

// --- text -------------------------------------------------------------------

TEST(TextFormatter, WritesOneLineForPeople) {
  struct Case {
    proto::RecordView record;
    std::string line;
  };
  const Case cases[] = {
      {Record(17, "fib", {int64_t{17}}, TaskStatus::kOk, "1597"),
       "[worker 4711] #17 fib(17) = 1597  (3 \xc2\xb5s)\n"},
      {Record(18, "fib", {int64_t{-1}}, TaskStatus::kError,
              "fib: n must be >= 0", 4711, 1, 1),
       "[worker 4711] #18 fib(-1) error: fib: n must be >= 0  (1 \xc2\xb5s)\n"},
      {Record(19, "crash", {absl::string_view("segv")}, TaskStatus::kCrashed,
              "SIGSEGV", 99, 3, 0),
       "[worker 99] #19 crash(segv) crashed: SIGSEGV  (0 \xc2\xb5s, 3 "
       "attempts)\n"},
      {Record(20, "hang", {}, TaskStatus::kTimeout, "ran past --timeout", 5, 2,
              1000000),
       "[worker 5] #20 hang() timeout: ran past --timeout  (1000000 \xc2\xb5s, "
       "2 "
       "attempts)\n"},
      {Record(21, "alloc", {uint64_t{1} << 40}, TaskStatus::kOom, "bad_alloc"),
       "[worker 4711] #21 alloc(1099511627776) oom: bad_alloc  (3 "
       "\xc2\xb5s)\n"},
      {Record(22, "mix",
              {int64_t{-5}, std::numeric_limits<uint64_t>::max(), 2.5,
               absl::string_view("s t")},
              TaskStatus::kOk, ""),
       "[worker 4711] #22 mix(-5, 18446744073709551615, 2.5, s t) =   (3 "
       "\xc2\xb5s)\n"},
      {Record(23, "echo", {absl::string_view("a\nb")}, TaskStatus::kOk,
              "x\ty\r\x01\x7f"),
       "[worker 4711] #23 echo(a\\nb) = x\\ty\\x0d\\x01\\x7f  (3 \xc2\xb5s)\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    EXPECT_EQ(Format1(Format::kText, c.record), c.line);
  }
}

// The bytes of a text record's escaped string (journal/encoding.h).
std::string FromText(absl::string_view text) {
  std::string bytes;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      bytes.push_back(text[i]);
      continue;
    }
    const char e = i + 1 < text.size() ? text[++i] : '?';
    if (e == '\\') bytes.push_back('\\');
    else if (e == 'n') bytes.push_back('\n');
    else if (e == 't') bytes.push_back('\t');
    else if (e == 'x' && i + 2 < text.size()) {
      bytes.push_back(static_cast<char>(
          std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      ADD_FAILURE() << "bad escape in " << testing::PrintToString(text);
    }
  }
  return bytes;
}

TEST(TextFormatter, EveryByteValueRoundTripsOnOneLine) {
  for (const std::string& s : EveryByte()) {
    SCOPED_TRACE(testing::PrintToString(s));
    const std::string line =
        Format1(Format::kText, Record(1, "t", {}, TaskStatus::kOk, s, 7, 1, 0));
    EXPECT_TRUE(journal::IsUtf8(line));
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "not one line";
    absl::string_view text = line;
    ASSERT_TRUE(absl::ConsumePrefix(&text, "[worker 7] #1 t() = "));
    ASSERT_TRUE(absl::ConsumeSuffix(&text, "  (0 \xc2\xb5s)\n"));
    EXPECT_EQ(FromText(text), s);
  }
}

TEST(TextFormatter, HasNoHeader) {
  OutBuffer out;
  MakeFormatter(Format::kText)->AppendHeader(&out);
  MakeFormatter(Format::kJsonl)->AppendHeader(&out);
  EXPECT_EQ(out.view(), "");
}

// --- jsonl ------------------------------------------------------------------

nlohmann::json ParseLine(const std::string& line) {
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "not exactly one line";
  return nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
}

TEST(JsonlFormatter, WritesEveryFieldTyped) {
  const std::string line =
      Format1(Format::kJsonl,
              Record(17, "fib",
                     {int64_t{-17}, std::numeric_limits<uint64_t>::max(), 2.5,
                      absl::string_view("s")},
                     TaskStatus::kOk, "1597", 4711, 2, 3));
  EXPECT_EQ(
      line,
      "{\"id\":17,\"task\":\"fib\",\"args\":[-17,18446744073709551615,2.5,"
      "\"s\"],\"status\":\"ok\",\"result\":\"1597\",\"worker\":4711,"
      "\"attempts\":2,\"elapsed_us\":3}\n");
  nlohmann::json j = ParseLine(line);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_TRUE(j["args"][0].is_number_integer());
  EXPECT_EQ(j["args"][1].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(j["args"][2].is_number_float());
  EXPECT_TRUE(j["args"][3].is_string());
}

TEST(JsonlFormatter, WritesEveryStatusByName) {
  const std::pair<TaskStatus, const char*> statuses[] = {
      {TaskStatus::kOk, "ok"},           {TaskStatus::kError, "error"},
      {TaskStatus::kCrashed, "crashed"}, {TaskStatus::kTimeout, "timeout"},
      {TaskStatus::kOom, "oom"},
  };
  for (const auto& [status, name] : statuses) {
    SCOPED_TRACE(name);
    nlohmann::json j =
        ParseLine(Format1(Format::kJsonl, Record(1, "t", {}, status, "r")));
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(j["status"], name);
  }
}

TEST(JsonlFormatter, NumbersJsonCannotHoldBecomeNull) {
  const std::string line =
      Format1(Format::kJsonl,
              Record(1, "scale",
                     {std::numeric_limits<double>::infinity(),
                      -std::numeric_limits<double>::infinity(),
                      std::numeric_limits<double>::quiet_NaN(), 1e300, -0.0},
                     TaskStatus::kOk, ""));
  nlohmann::json j = ParseLine(line);
  ASSERT_FALSE(j.is_discarded()) << line;
  EXPECT_EQ(j["args"], nlohmann::json::parse("[null,null,null,1e300,-0.0]"));
}

// The bytes a jsonl string value stands for (journal/encoding.h): a JSON
// string, or {"base64":"..."} for bytes that are not UTF-8.
std::string FromJson(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string bytes;
  EXPECT_TRUE(v.is_object() && v.size() == 1 && v["base64"].is_string() &&
              absl::Base64Unescape(v["base64"].get<std::string>(), &bytes))
      << v.dump();
  return bytes;
}

TEST(JsonlFormatter, StringsRoundTripThroughAJsonParser) {
  for (const std::string& s : NastyResults()) {
    SCOPED_TRACE(testing::PrintToString(s));
    const std::string line =
        Format1(Format::kJsonl,
                Record(3, s, {absl::string_view(s)}, TaskStatus::kError, s));
    nlohmann::json j = ParseLine(line);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_EQ(FromJson(j["task"]), s);
    EXPECT_EQ(FromJson(j["args"][0]), s);
    EXPECT_EQ(FromJson(j["result"]), s);
  }
}

TEST(JsonlFormatter, EveryByteValueRoundTrips) {
  for (const std::string& s : EveryByte()) {
    SCOPED_TRACE(testing::PrintToString(s));
    nlohmann::json j = ParseLine(Format1(
        Format::kJsonl, Record(1, "t", {absl::string_view(s)}, TaskStatus::kOk, s)));
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(FromJson(j["result"]), s);
    EXPECT_EQ(FromJson(j["args"][0]), s);
  }
}

TEST(JsonlFormatter, ARawByteAndTheCharacterOfItsValueDiffer) {
  nlohmann::json raw = ParseLine(
      Format1(Format::kJsonl, Record(1, "t", {}, TaskStatus::kOk, "\xff")));
  nlohmann::json text = ParseLine(
      Format1(Format::kJsonl, Record(1, "t", {}, TaskStatus::kOk, "\xc3\xbf")));
  EXPECT_EQ(raw["result"], nlohmann::json::parse(R"({"base64":"/w=="})"));
  EXPECT_EQ(text["result"], "\xc3\xbf");
}

TEST(JsonlFormatter, BytesThatAreNotUtf8AreWrittenInBase64) {
  struct Case {
    const char* what;
    std::string bytes;
    bool utf8;
  };
  const Case cases[] = {
      {"lone continuation byte", "\x80", false},
      {"truncated 2-byte sequence", "a\xc3", false},
      {"truncated 3-byte sequence", "\xe2\x82", false},
      {"overlong 2-byte /", "\xc0\xaf", false},
      {"overlong 3-byte /", "\xe0\x80\xaf", false},
      {"overlong 4-byte /", "\xf0\x80\x80\xaf", false},
      {"UTF-16 surrogate U+D800", "\xed\xa0\x80", false},
      {"above U+10FFFF", "\xf4\x90\x80\x80", false},
      {"5-byte lead", "\xf8\x88\x80\x80\x80", false},
      {"largest code point", "\xf4\x8f\xbf\xbf", true},
      {"last before surrogates", "\xed\x9f\xbf", true},
      {"first after surrogates", "\xee\x80\x80", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const std::string line =
        Format1(Format::kJsonl, Record(1, "t", {}, TaskStatus::kOk, c.bytes));
    nlohmann::json j = ParseLine(line);
    if (j.is_discarded()) {
      ADD_FAILURE() << "not JSON: " << testing::PrintToString(line);
      continue;
    }
    EXPECT_EQ(j["result"].is_string(), c.utf8);
    EXPECT_EQ(FromJson(j["result"]), c.bytes);
  }
}

// --- csv --------------------------------------------------------------------

// An RFC 4180 reader: rows of fields; quoted fields may hold commas, quotes
// (doubled) and line breaks. Fails the test on malformed input.
std::vector<std::vector<std::string>> ReadCsv(absl::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) {
          ADD_FAILURE() << "unclosed quote";
          return rows;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          field.push_back(text[i]);
        }
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n') {
        EXPECT_NE(text[i], '"') << "quote inside an unquoted field";
        EXPECT_NE(text[i], '\r') << "CR inside an unquoted field";
        field.push_back(text[i++]);
      }
    }
    if (i < text.size() && text[i] == ',') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (i < text.size() && text[i] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else if (i < text.size()) {
      ADD_FAILURE() << "junk after a quoted field at byte " << i;
      return rows;
    }
  }
  EXPECT_TRUE(row.empty() && field.empty()) << "last row without line break";
  return rows;
}

// The bytes a csv field stands for (journal/encoding.h): the field, or
// after "base64:" the bytes it encodes.
std::string FromCsv(const std::string& field) {
  absl::string_view rest = field;
  if (!absl::ConsumePrefix(&rest, "base64:")) return field;
  std::string bytes;
  EXPECT_TRUE(absl::Base64Unescape(rest, &bytes)) << field;
  return bytes;
}

TEST(CsvFormatter, EveryByteValueRoundTrips) {
  OutBuffer out;
  auto formatter = MakeFormatter(Format::kCsv);
  const std::vector<std::string> strings = EveryByte();
  for (const std::string& s : strings) {
    formatter->Append(Record(1, "t", {}, TaskStatus::kOk, s), &out);
  }
  EXPECT_TRUE(journal::IsUtf8(out.view())) << "a csv output is UTF-8 text";
  std::vector<std::vector<std::string>> rows = ReadCsv(out.view());
  ASSERT_EQ(rows.size(), strings.size());
  for (size_t i = 0; i < strings.size(); ++i) {
    SCOPED_TRACE(testing::PrintToString(strings[i]));
    ASSERT_EQ(rows[i].size(), 8u);
    EXPECT_EQ(FromCsv(rows[i][4]), strings[i]);
  }
}

TEST(CsvFormatter, TextThatLooksLikeTheBase64MarkerIsEncodedToo) {
  const std::string line = Format1(
      Format::kCsv, Record(1, "t", {}, TaskStatus::kOk, "base64:/w=="));
  std::vector<std::vector<std::string>> rows = ReadCsv(line);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0][4], "base64:/w==");
  EXPECT_EQ(FromCsv(rows[0][4]), "base64:/w==");
}

TEST(CsvFormatter, StartsWithItsHeaderRow) {
  OutBuffer out;
  MakeFormatter(Format::kCsv)->AppendHeader(&out);
  EXPECT_EQ(out.view(), "id,task,args,status,result,worker,attempts,elapsed_us\n");
}

TEST(CsvFormatter, WritesPlainFieldsBare) {
  EXPECT_EQ(Format1(Format::kCsv,
                    Record(17, "fib", {int64_t{17}}, TaskStatus::kOk, "1597")),
            "17,fib,17,ok,1597,4711,1,3\n");
  EXPECT_EQ(Format1(Format::kCsv, Record(5, "mix",
                                         {int64_t{-5}, uint64_t{7}, 2.5,
                                          absl::string_view("x")},
                                         TaskStatus::kTimeout, "", 9, 3, 0)),
            "5,mix,-5 7 2.5 x,timeout,,9,3,0\n");
}

TEST(CsvFormatter, FieldsRoundTripThroughAnRfc4180Reader) {
  OutBuffer out;
  auto formatter = MakeFormatter(Format::kCsv);
  formatter->AppendHeader(&out);
  uint64_t id = 0;
  for (const std::string& s : NastyResults()) {
    formatter->Append(
        Record(id++, s, {absl::string_view(s)}, TaskStatus::kError, s), &out);
  }
  std::vector<std::vector<std::string>> rows = ReadCsv(out.view());
  ASSERT_EQ(rows.size(), NastyResults().size() + 1);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"id", "task", "args", "status", "result",
                                      "worker", "attempts", "elapsed_us"}));
  for (size_t i = 0; i < NastyResults().size(); ++i) {
    const std::string& s = NastyResults()[i];
    SCOPED_TRACE(testing::PrintToString(s));
    ASSERT_EQ(rows[i + 1].size(), 8u);
    std::vector<std::string> row = rows[i + 1];
    for (std::string& field : row) field = FromCsv(field);
    EXPECT_EQ(row, (std::vector<std::string>{absl::StrCat(i), s, row[2],
                                             "error", s, "4711", "1", "3"}));
    // The args column is written in the task language: it reads back as
    // the one word it was.
    master::Tokenizer tokenizer;
    ASSERT_TRUE(tokenizer.Tokenize(row[2]).ok()) << row[2];
    std::vector<std::string> words;
    for (const master::Word& w : tokenizer.words()) {
      words.emplace_back(w.text);
    }
    EXPECT_EQ(words, std::vector<std::string>{s});
  }
}

// --- read back as a journal
// ---------------------------------------------------

TEST(Formatter, OutputScansBackAsTheSameIds) {
  const uint64_t ids[] = {0, 1, 2, 63, 64, 1000, 999999};
  for (Format format : {Format::kText, Format::kJsonl, Format::kCsv}) {
    SCOPED_TRACE(journal::FormatName(format));
    OutBuffer out;
    auto formatter = MakeFormatter(format);
    formatter->AppendHeader(&out);
    size_t n = 0;
    for (uint64_t id : ids) {
      const std::string& s = NastyResults()[n++ % NastyResults().size()];
      formatter->Append(
          Record(id, "echo", {absl::string_view(s), int64_t{-1}},
                 static_cast<TaskStatus>(id % proto::kTaskStatusCount), s),
          &out);
    }
    std::string path = testutil::TempPath("out");
    testutil::WriteFile(path, out.view());
    absl::StatusOr<journal::ScanResult> scan = journal::Scan(path, format);
    ASSERT_TRUE(scan.ok()) << scan.status();
    EXPECT_EQ(scan->records, std::size(ids));
    EXPECT_EQ(scan->duplicates, 0u);
    EXPECT_EQ(scan->ids.size(), std::size(ids));
    for (uint64_t id : ids) EXPECT_TRUE(scan->ids.Contains(id)) << id;
    EXPECT_EQ(scan->valid_bytes, out.size());
    EXPECT_EQ(scan->torn_bytes, 0u);
    EXPECT_EQ(scan->has_csv_header, format == Format::kCsv);
  }
}

TEST(Formatter, AppendsToWhatIsInTheBuffer) {
  for (Format format : {Format::kText, Format::kJsonl, Format::kCsv}) {
    SCOPED_TRACE(journal::FormatName(format));
    const proto::RecordView a =
        Record(1, "fib", {int64_t{1}}, TaskStatus::kOk, "1");
    const proto::RecordView b =
        Record(2, "fib", {int64_t{2}}, TaskStatus::kOk, "1");
    OutBuffer both;
    both.Append("prefix");
    MakeFormatter(format)->Append(a, &both);
    MakeFormatter(format)->Append(b, &both);
    EXPECT_EQ(both.view(),
              absl::StrCat("prefix", Format1(format, a), Format1(format, b)));
  }
}

}  // namespace
}  // namespace taskfarm::logger
