// Tests of the dashboard's token (master/dashboard/token.h) and of its
// flags (master/dashboard/flags.h): which files make a token, which
// requests carry it, and which addresses need one.

#include <sys/stat.h>

#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "master/dashboard/flags.h"
#include "master/dashboard/token.h"
#include "tests/testutil/files.h"

namespace taskfarm::master::dashboard {
namespace {

constexpr char kToken[] = "s3cret-T0ken_with.enough+chars/=";

std::string TokenFile(const std::string& content, mode_t mode = 0600) {
  std::string path = testutil::TempPath("token");
  testutil::WriteFile(path, content);
  chmod(path.c_str(), mode);
  return path;
}

TEST(LoadToken, ReadsTheFirstLineWithoutBlanks) {
  absl::StatusOr<std::string> t = LoadToken(TokenFile(absl::StrCat("  ", kToken, "\n")));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, kToken);
}

TEST(LoadToken, RefusesBadFiles) {
  EXPECT_EQ(LoadToken(testutil::TempPath("missing")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(LoadToken(TokenFile(kToken, 0644)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(LoadToken(TokenFile(kToken, 0640)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(LoadToken(TokenFile("short")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadToken(TokenFile("has a blank inside of it")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadToken(TokenFile("semicolon;is;not;allowed;here")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadToken(TokenFile(std::string(kMaxTokenLength + 1, 'a'))).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckAccess, BearerHeaderOrCookieLetsIn) {
  const std::string bearer = absl::StrCat("Bearer ", kToken);
  EXPECT_EQ(CheckAccess(kToken, bearer, std::nullopt, std::nullopt), Access::kAllowed);
  const std::string cookie = absl::StrCat("theme=dark; taskfarm_token=", kToken, "; x=1");
  EXPECT_EQ(CheckAccess(kToken, std::nullopt, cookie, std::nullopt), Access::kAllowed);
}

TEST(CheckAccess, RightQueryTokenSetsTheCookie) {
  EXPECT_EQ(CheckAccess(kToken, std::nullopt, std::nullopt, kToken), Access::kSetCookie);
  EXPECT_TRUE(absl::StartsWith(TokenCookie(kToken), absl::StrCat("taskfarm_token=", kToken, ";")));
  EXPECT_TRUE(absl::StrContains(TokenCookie(kToken), "HttpOnly"));
  EXPECT_TRUE(absl::StrContains(TokenCookie(kToken), "SameSite=Strict"));
}

TEST(CheckAccess, NoTokenIsMissingAndAWrongOneIsWrong) {
  EXPECT_EQ(CheckAccess(kToken, std::nullopt, std::nullopt, std::nullopt), Access::kMissing);
  EXPECT_EQ(CheckAccess(kToken, std::nullopt, "theme=dark", std::nullopt), Access::kMissing);
  std::string almost = kToken;
  almost.back() = 'x';
  EXPECT_EQ(CheckAccess(kToken, absl::StrCat("Bearer ", almost), std::nullopt, std::nullopt),
            Access::kWrong);
  EXPECT_EQ(CheckAccess(kToken, absl::StrCat("Basic ", kToken), std::nullopt, std::nullopt),
            Access::kWrong);
  EXPECT_EQ(CheckAccess(kToken, std::nullopt, absl::StrCat("taskfarm_token=", almost),
                        std::nullopt),
            Access::kWrong);
  EXPECT_EQ(CheckAccess(kToken, std::nullopt, std::nullopt, std::string("")), Access::kWrong);
  // A prefix of the token is not the token.
  EXPECT_EQ(CheckAccess(kToken, absl::StrCat("Bearer ", std::string(kToken).substr(0, 10)),
                        std::nullopt, std::nullopt),
            Access::kWrong);
}

TEST(ParseListenAddress, AcceptsPortAloneAndIpv4) {
  DashboardOptions o;
  ASSERT_TRUE(ParseListenAddress("8080", &o).ok());
  EXPECT_EQ(o.address, "127.0.0.1");
  EXPECT_EQ(o.port, 8080);
  ASSERT_TRUE(ParseListenAddress(":0", &o).ok());
  EXPECT_EQ(o.address, "127.0.0.1");
  EXPECT_EQ(o.port, 0);
  ASSERT_TRUE(ParseListenAddress("localhost:9", &o).ok());
  EXPECT_EQ(o.address, "127.0.0.1");
  ASSERT_TRUE(ParseListenAddress("*:80", &o).ok());
  EXPECT_EQ(o.address, "0.0.0.0");
  ASSERT_TRUE(ParseListenAddress("10.1.2.3:443", &o).ok());
  EXPECT_EQ(o.address, "10.1.2.3");
}

TEST(ParseListenAddress, RefusesWhatIsNotAnAddress) {
  DashboardOptions o;
  for (const char* bad : {"", "x", "host.example:80", "1.2.3:80", "127.0.0.1:",
                          "127.0.0.1:65536", "127.0.0.1:-1", "[::1]:80"}) {
    SCOPED_TRACE(bad);
    absl::Status s = ParseListenAddress(bad, &o);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(s.message(), "--dashboard=")) << s;
  }
}

TEST(IsLoopback, OnlyThe127Network) {
  EXPECT_TRUE(IsLoopback("127.0.0.1"));
  EXPECT_TRUE(IsLoopback("127.9.8.7"));
  EXPECT_FALSE(IsLoopback("0.0.0.0"));
  EXPECT_FALSE(IsLoopback("10.0.0.1"));
  EXPECT_FALSE(IsLoopback("128.0.0.1"));
}

// Sets the dashboard flags as the command line would, then parses them.
absl::Status Parse(const std::string& address, const std::string& token,
                   DashboardOptions* o) {
  std::string error;
  absl::FindCommandLineFlag("dashboard")->ParseFrom(address, &error);
  absl::FindCommandLineFlag("dashboard_token")->ParseFrom(token, &error);
  absl::FindCommandLineFlag("dashboard_linger")->ParseFrom("90s", &error);
  return ParseDashboardFlags([](std::string p) { return p; }, o);
}

TEST(ParseDashboardFlags, BeyondLoopbackNeedsAToken) {
  DashboardOptions o;
  absl::Status s = Parse("0.0.0.0:0", "", &o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "--dashboard-token")) << s;
  EXPECT_TRUE(Parse("0.0.0.0:0", "/some/token", &o).ok());
  EXPECT_EQ(o.token_file, "/some/token");
  EXPECT_TRUE(Parse("127.0.0.1:0", "", &o).ok());
  EXPECT_EQ(o.linger, std::chrono::seconds(90));
  EXPECT_TRUE(o.enabled());
}

TEST(ParseDashboardFlags, OffByDefaultAndATokenAloneIsAnError) {
  DashboardOptions o;
  EXPECT_TRUE(Parse("", "", &o).ok());
  EXPECT_FALSE(o.enabled());
  EXPECT_EQ(Parse("", "/some/token", &o).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace taskfarm::master::dashboard
