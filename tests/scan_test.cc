// Tests of journal::Scan and journal::Truncate: reading an output file back
// as a journal in each format (complete records, a torn tail, duplicates,
// csv quoting and header, lines that are not ours), and of the format names.

#include "journal/scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "journal/format.h"
#include "tests/testutil/files.h"

namespace taskfarm::journal {
namespace {

constexpr size_t kChunk = 1 << 20;

const char kJsonl[] =
    "{\"id\":0,\"task\":\"fib\",\"args\":[0],\"status\":\"ok\",\"result\":"
    "\"0\","
    "\"worker\":7,\"attempts\":1,\"elapsed_us\":1}\n"
    "{\"id\":2,\"task\":\"fib\",\"args\":[2],\"status\":\"ok\",\"result\":"
    "\"1\","
    "\"worker\":7,\"attempts\":1,\"elapsed_us\":1}\n";
const char kText[] =
    "[worker 4711] #17 fib(17) = 1597  (3 \xc2\xb5s)\n"
    "[worker 4711] #18 fib(-1) error: fib: n must be >= 0  (1 \xc2\xb5s)\n";
const char kCsv[] =
    "id,task,args,status,result,worker,attempts,elapsed_us\n"
    "3,echo,\"a,b\",ok,\"two\nlines, \"\"quoted\"\"\",4711,1,3\n"
    "4,fib,4,ok,3,4711,1,2\n";

absl::StatusOr<ScanResult> ScanContent(absl::string_view content, Format format,
                                       std::string* path_out = nullptr) {
  std::string path = testutil::TempPath("out");
  testutil::WriteFile(path, content);
  if (path_out != nullptr) *path_out = path;
  return Scan(path, format);
}

std::vector<uint64_t> Ids(const ScanResult& r, uint64_t below = 100) {
  std::vector<uint64_t> ids;
  for (uint64_t id = 0; id < below; ++id) {
    if (r.ids.Contains(id)) ids.push_back(id);
  }
  return ids;
}

TEST(Scan, ReadsCompleteRecordsOfEachFormat) {
  struct Case {
    Format format;
    const char* content;
    std::vector<uint64_t> ids;
    bool header;
  };
  const Case cases[] = {
      {Format::kJsonl, kJsonl, {0, 2}, false},
      {Format::kText, kText, {17, 18}, false},
      {Format::kCsv, kCsv, {3, 4}, true},
      {Format::kCsv, "5,fib,5,ok,5,1,1,1\n", {5}, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(FormatName(c.format));
    absl::StatusOr<ScanResult> r = ScanContent(c.content, c.format);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(Ids(*r), c.ids);
    EXPECT_EQ(r->records, c.ids.size());
    EXPECT_EQ(r->ids.size(), c.ids.size());
    EXPECT_EQ(r->duplicates, 0u);
    EXPECT_EQ(r->valid_bytes, std::string(c.content).size());
    EXPECT_EQ(r->torn_bytes, 0u);
    EXPECT_EQ(r->has_csv_header, c.header);
  }
}

TEST(Scan, MissingOrEmptyFileIsAnEmptyJournal) {
  for (Format format : {Format::kText, Format::kJsonl, Format::kCsv}) {
    SCOPED_TRACE(FormatName(format));
    absl::StatusOr<ScanResult> missing =
        Scan(testutil::TempPath("absent"), format);
    absl::StatusOr<ScanResult> empty = ScanContent("", format);
    for (const absl::StatusOr<ScanResult>* r : {&missing, &empty}) {
      ASSERT_TRUE(r->ok()) << r->status();
      EXPECT_EQ((*r)->records, 0u);
      EXPECT_EQ((*r)->ids.size(), 0u);
      EXPECT_EQ((*r)->valid_bytes, 0u);
      EXPECT_EQ((*r)->torn_bytes, 0u);
    }
  }
}

TEST(Scan, ATornLastRecordIsMeasuredNotCounted) {
  struct Case {
    Format format;
    std::string complete;
    std::string torn;
  };
  const Case cases[] = {
      {Format::kJsonl, kJsonl, "{\"id\":9,\"task\":\"fi"},
      {Format::kText, kText, "[worker 4711] #19 fib(19) = 41"},
      {Format::kCsv, kCsv, "9,fib,9,ok,34"},
      // Inside quotes, a newline does not end the record.
      {Format::kCsv, kCsv, "9,echo,x,ok,\"cut\nshort"},
      {Format::kCsv, kCsv, "9,echo,x,ok,\"ends in a newline\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.torn));
    absl::StatusOr<ScanResult> r = ScanContent(c.complete + c.torn, c.format);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE(r->ids.Contains(9));
    EXPECT_EQ(r->records, 2u);
    EXPECT_EQ(r->valid_bytes, c.complete.size());
    EXPECT_EQ(r->torn_bytes, c.torn.size());
  }
}

TEST(Scan, CountsDuplicateRecords) {
  absl::StatusOr<ScanResult> r = ScanContent(
      "1,a,,ok,,1,1,1\n2,a,,ok,,1,1,1\n1,a,,ok,,1,2,1\n1,a,,ok,,1,3,1\n",
      Format::kCsv);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->records, 4u);
  EXPECT_EQ(r->duplicates, 2u);
  EXPECT_EQ(r->ids.size(), 2u);
  EXPECT_EQ(Ids(*r), (std::vector<uint64_t>{1, 2}));
}

TEST(Scan, RecordsAcrossChunkBoundaries) {
  // Enough csv records, each with quoted newlines and commas, to span a few
  // 1 MiB chunks, so records (and open quotes) straddle the boundaries.
  std::string content(kCsvHeader);
  uint64_t n = 0;
  for (; content.size() < 3 * kChunk + 100; ++n) {
    absl::StrAppend(&content, n, ",echo,\"x, y\",ok,\"first\n\"\"second\"\",",
                    std::string(n % 97, 'z'), "\n\",1,1,1\n");
  }
  absl::StatusOr<ScanResult> r = ScanContent(content, Format::kCsv);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->records, n);
  EXPECT_EQ(r->ids.size(), n);
  EXPECT_TRUE(r->ids.Contains(n - 1));
  EXPECT_EQ(r->valid_bytes, content.size());
}

TEST(Scan, ALineThatIsNotOursIsAnErrorNamingIt) {
  struct Case {
    Format format;
    std::string content;
    int line;
  };
  const Case cases[] = {
      {Format::kJsonl, absl::StrCat(kJsonl, "{\"name\":\"x\"}\n"), 3},
      {Format::kJsonl, "{\"id\":12}\n", 1},
      {Format::kJsonl, "{\"id\":,\"task\":\"fib\"}\n", 1},
      {Format::kText, absl::StrCat("hello\n", kText), 1},
      {Format::kText, "[worker 1] #x fib(1) = 1  (1 \xc2\xb5s)\n", 1},
      {Format::kCsv, "id,task\n1,fib,1,ok,1,1,1,1\n", 1},
      {Format::kCsv, absl::StrCat("5,fib,5,ok,5,1,1,1\n", kCsvHeader), 2},
      {Format::kJsonl, "\n", 1},
      // Physical line numbers, though a csv record may span several lines.
      {Format::kCsv, absl::StrCat(kCsv, "oops\n"), 5},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.content));
    std::string path;
    absl::StatusOr<ScanResult> r = ScanContent(c.content, c.format, &path);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(),
              absl::StrCat(path, ":", c.line, ": not a ", FormatName(c.format),
                           " record of taskfarm"));
  }
}

TEST(Scan, UnreadablePathIsUnavailable) {
  absl::StatusOr<ScanResult> r = Scan(::testing::TempDir(), Format::kJsonl);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
}

TEST(Scan, ReadsThroughAGivenDescriptor) {
  std::string path = testutil::TempPath("by-fd");
  testutil::WriteFile(path, kJsonl);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  absl::StatusOr<ScanResult> r = Scan("name-for-messages", Format::kJsonl, fd);
  close(fd);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Ids(*r), (std::vector<uint64_t>{0, 2}));
}

uint64_t FileSize(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  return static_cast<uint64_t>(st.st_size);
}

TEST(Truncate, CutsATornTailSoScanningFindsNone) {
  std::string path = testutil::TempPath("torn");
  const std::string torn = "{\"id\":3,\"ta";
  testutil::WriteFile(path, absl::StrCat(kJsonl, torn));
  absl::StatusOr<ScanResult> before = Scan(path, Format::kJsonl);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(Truncate(path, before->valid_bytes).ok());
  EXPECT_EQ(testutil::ReadFile(path), kJsonl);
  absl::StatusOr<ScanResult> after = Scan(path, Format::kJsonl);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->torn_bytes, 0u);
  EXPECT_EQ(after->records, 2u);
}

TEST(Truncate, WorksThroughADescriptor) {
  std::string path = testutil::TempPath("by-fd");
  testutil::WriteFile(path, "0123456789");
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(Truncate("ignored", 4, fd).ok());
  close(fd);
  EXPECT_EQ(FileSize(path), 4u);
}

TEST(Truncate, MissingFileIsUnavailable) {
  std::string path = testutil::TempPath("absent");
  absl::Status s = Truncate(path, 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), absl::StrCat("cannot truncate ", path,
                                      ": No such file or directory"));
}

TEST(Format, NamesRoundTrip) {
  for (Format f : {Format::kText, Format::kJsonl, Format::kCsv}) {
    SCOPED_TRACE(FormatName(f));
    EXPECT_EQ(ParseFormat(FormatName(f)), f);
  }
  EXPECT_EQ(ParseFormat("json"), std::nullopt);
  EXPECT_EQ(ParseFormat("CSV"), std::nullopt);
  EXPECT_EQ(ParseFormat(""), std::nullopt);
}

}  // namespace
}  // namespace taskfarm::journal
