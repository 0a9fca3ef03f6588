// Tests of the small helpers in base/: the host name, this process's
// memory from /proc/self/statm, SHA-256 against FIPS 180-2's vectors,
// signal names, and the clock's conversions.

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/host_name.h"
#include "base/self_memory.h"
#include "base/sha256.h"
#include "base/signal_name.h"
#include "gtest/gtest.h"

namespace taskfarm::base {
namespace {

TEST(HostName, IsWhatUnameSays) {
  absl::StatusOr<std::string> name = HostName();
  ASSERT_TRUE(name.ok()) << name.status();
  char expected[HOST_NAME_MAX + 1] = {};
  ASSERT_EQ(gethostname(expected, sizeof(expected)), 0);
  EXPECT_EQ(*name, expected);
  EXPECT_FALSE(name->empty());
}

TEST(SelfMemory, GrowsWhenMemoryIsTouched) {
  absl::StatusOr<MemoryUsage> before = SelfMemory();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_GT(before->resident_bytes, 0u);
  EXPECT_GE(before->virtual_bytes, before->resident_bytes);
  constexpr size_t kBytes = 64 << 20;
  std::vector<char> block(kBytes, 1);  // touched, so resident
  absl::StatusOr<MemoryUsage> after = SelfMemory();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GE(after->virtual_bytes, before->virtual_bytes + kBytes / 2);
  EXPECT_GE(after->resident_bytes, before->resident_bytes + kBytes / 2);
  EXPECT_EQ(block[kBytes - 1], 1);
}

TEST(Sha256, MatchesFips180Vectors) {
  struct Case {
    std::string text, hex;
  };
  const Case cases[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc",
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Sha256Hex(c.text).value_or("?"), c.hex);
  }
}

TEST(Sha256, PiecesHashAsTheWhole) {
  absl::StatusOr<Sha256> sha = Sha256::Create();
  ASSERT_TRUE(sha.ok()) << sha.status();
  std::string whole;
  for (int i = 0; i < 1000; ++i) {
    const std::string piece = absl::StrCat(i, ";");
    whole += piece;
    ASSERT_TRUE(sha->Update(piece).ok());
  }
  EXPECT_EQ(sha->FinishHex().value_or("?"), Sha256Hex(whole).value_or("!"));
}

TEST(Sha256, FinishedDigestRefusesMore) {
  absl::StatusOr<Sha256> sha = Sha256::Create();
  ASSERT_TRUE(sha.ok());
  ASSERT_TRUE(sha->FinishHex().ok());
  EXPECT_EQ(sha->Update("x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(sha->FinishHex().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SignalName, NamesAndNumbersGoBothWays) {
  EXPECT_EQ(SignalName(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(SignalName(SIGTERM), "SIGTERM");
  EXPECT_EQ(SignalName(0), "signal 0");
  EXPECT_EQ(SignalName(999), "signal 999");
  for (const char* name : {"SIGSEGV", "SEGV", "segv", "SigSegv", "11"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(SignalNumber(name), SIGSEGV);
  }
  for (const char* name : {"", "SIG", "NOPE", "0", "999", "-9"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(SignalNumber(name), 0);
  }
}

TEST(Clock, SecondsAndMillisOfADuration) {
  EXPECT_DOUBLE_EQ(Seconds(std::chrono::milliseconds(1500)), 1.5);
  EXPECT_EQ(Millis(std::chrono::microseconds(2999)), 2u);
  EXPECT_EQ(Millis(std::chrono::seconds(3)), 3000u);
  EXPECT_EQ(Millis(-std::chrono::seconds(3)), 0u) << "never wraps around";
}

}  // namespace
}  // namespace taskfarm::base
