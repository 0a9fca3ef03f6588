// Tests of journal::Handoff: what the master writes once for every logger
// of a batch, read back exactly, and refused when it is not one.

#include "journal/handoff.h"

#include "gtest/gtest.h"
#include "tests/testutil/files.h"

namespace taskfarm::journal {
namespace {

TEST(Handoff, ReadsBackWhatWasWritten) {
  Handoff h;
  h.id_limit = 1000;
  h.start_offset = 12345;
  h.device = 7;
  h.inode = 99;
  for (uint64_t id : {0u, 1u, 63u, 64u, 500u, 999u}) h.written.Add(id);
  const std::string path = testutil::TempPath("handoff");
  ASSERT_TRUE(WriteHandoff(path, h).ok());
  absl::StatusOr<Handoff> back = ReadHandoff(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->id_limit, 1000u);
  EXPECT_EQ(back->start_offset, 12345u);
  EXPECT_EQ(back->device, 7u);
  EXPECT_EQ(back->inode, 99u);
  EXPECT_EQ(back->written.size(), 6u);
  for (uint64_t id = 0; id < 1000; ++id) {
    EXPECT_EQ(back->written.Contains(id), h.written.Contains(id)) << id;
  }
}

TEST(Handoff, RefusesAnIdBeyondTheBatch) {
  Handoff h;
  h.id_limit = 10;
  h.written.Add(10);
  EXPECT_EQ(WriteHandoff(testutil::TempPath("handoff"), h).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Handoff, RefusesWhatIsNotOne) {
  struct Case {
    const char* what;
    std::string bytes;
  };
  const Case cases[] = {
      {"empty", ""},
      {"another file", "{\"id\":1}\n"},
      {"no bitmap", "taskfarm-handoff 1 id_limit=64 start=0 dev=0 ino=0\n"},
      // A huge range with no bitmap must not make the reader allocate it.
      {"a range its bitmap does not match",
       "taskfarm-handoff 1 id_limit=9223372036854775807 start=0 dev=0 ino=0\n"},
      {"trailing junk", std::string("taskfarm-handoff 1 id_limit=64 start=0 "
                                    "dev=0 ino=0\n") +
                            std::string(9, '\0')},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const std::string path = testutil::TempPath("handoff");
    testutil::WriteFile(path, c.bytes);
    absl::StatusOr<Handoff> h = ReadHandoff(path);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ReadHandoff(testutil::TempPath("missing")).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace taskfarm::journal
