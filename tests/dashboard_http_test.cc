// Tests of the dashboard's HTTP server (master/dashboard/http_server.h) in
// this process, over loopback: its routes, what a token changes, and what
// malformed, oversized and unknown requests get. Views are published
// while requests run, as the master's event loop does.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "master/dashboard/http_server.h"
#include "master/dashboard/page_html.h"
#include "tests/testutil/http.h"

namespace taskfarm::master::dashboard {
namespace {

using testutil::HttpGet;
using testutil::RawStatus;

constexpr char kToken[] = "0123456789abcdefTOKEN";

std::shared_ptr<const View> SnapshotWith(uint64_t reported) {
  auto v = std::make_shared<View>();
  Snapshot* s = &v->batch;
  s->phase = "running";
  s->total = 100;
  s->reported = reported;
  s->failures.push_back(std::make_shared<const Failure>(Failure{
      7, "fail oops", proto::TaskStatus::kError, 1, 42, false,
      std::string(5000, 'm') + " the end"}));
  s->failures_total = 1;
  return v;
}

std::unique_ptr<HttpServer> Serve(const std::string& token = "") {
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start({"127.0.0.1", 0, token, kPageHtml});
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return nullptr;
  (*server)->Publish(SnapshotWith(3));
  return *std::move(server);
}

TEST(HttpServer, ServesThePageTheJsonAndTheMetrics) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(server->port(), 0);
  testutil::HttpReply page = HttpGet(server->port(), "/");
  ASSERT_EQ(page.status, 200) << page.error;
  EXPECT_TRUE(absl::StartsWith(page.headers["content-type"], "text/html"));
  EXPECT_TRUE(absl::StrContains(page.body, "<title>taskfarm</title>"));
  // Self-contained: nothing is loaded from elsewhere (the one URL in it is
  // the SVG namespace, a name, not a place to load from).
  const std::string body =
      absl::StrReplaceAll(page.body, {{"\"http://www.w3.org/2000/svg\"", ""}});
  EXPECT_FALSE(absl::StrContains(body, "http://"));
  EXPECT_FALSE(absl::StrContains(body, "https://"));
  EXPECT_FALSE(absl::StrContains(body, "//cdn"));
  EXPECT_FALSE(absl::StrContains(page.body, "<script src"));
  EXPECT_FALSE(absl::StrContains(page.body, "<link"));
  EXPECT_TRUE(absl::StrContains(page.headers["content-security-policy"], "default-src 'none'"));

  testutil::HttpReply json = HttpGet(server->port(), "/status.json");
  ASSERT_EQ(json.status, 200) << json.error;
  EXPECT_EQ(json.headers["content-type"], "application/json");
  EXPECT_EQ(nlohmann::json::parse(json.body)["tasks"]["reported"], 3);

  testutil::HttpReply metrics = HttpGet(server->port(), "/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.error;
  EXPECT_TRUE(absl::StartsWith(metrics.headers["content-type"], "text/plain; version=0.0.4"));
  EXPECT_TRUE(absl::StrContains(metrics.body, "\ntaskfarm_tasks 100\n"));

  testutil::HttpReply head = HttpGet(server->port(), "/status.json", {}, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST(HttpServer, FailureRouteGivesTheWholeText) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  testutil::HttpReply r = HttpGet(server->port(), "/failure/7");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, std::string(5000, 'm') + " the end");
  EXPECT_EQ(HttpGet(server->port(), "/failure/8").status, 404);
  EXPECT_EQ(HttpGet(server->port(), "/failure/x").status, 404);
}

TEST(HttpServer, ServesTheSnapshotPublishedLast) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  std::atomic<bool> stop{false};
  std::thread loop([&] {  // as the event loop does, while requests run
    for (uint64_t i = 4; !stop; ++i) server->Publish(SnapshotWith(i));
  });
  for (int i = 0; i < 20; ++i) {
    testutil::HttpReply r = HttpGet(server->port(), "/status.json");
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_GE(nlohmann::json::parse(r.body)["tasks"]["reported"].get<uint64_t>(), 3u);
  }
  stop = true;
  loop.join();
  server->Publish(SnapshotWith(99));
  EXPECT_EQ(nlohmann::json::parse(HttpGet(server->port(), "/status.json").body)
                ["tasks"]["reported"], 99);
}

TEST(HttpServer, BeforeTheFirstSnapshotDataRoutesSay503) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start({"127.0.0.1", 0, "", kPageHtml});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(HttpGet((*server)->port(), "/status.json").status, 503);
  EXPECT_EQ(HttpGet((*server)->port(), "/").status, 200);
}

TEST(HttpServer, UnknownPathsAndMethodsAreRefused) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(HttpGet(server->port(), "/nope").status, 404);
  EXPECT_EQ(HttpGet(server->port(), "/status.json/x").status, 404);
  EXPECT_EQ(HttpGet(server->port(), "/../../etc/passwd").status, 404);
  testutil::HttpReply post = HttpGet(server->port(), "/status.json", {}, "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["allow"], "GET, HEAD");
  EXPECT_EQ(HttpGet(server->port(), "/", {}, "DELETE").status, 405);
}

TEST(HttpServer, MalformedAndOversizedRequestsGet400Or413) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  EXPECT_EQ(RawStatus(port, "\x16\x03\x01\x02\x00 garbage \xff\xfe\r\n\r\n"), 400);
  EXPECT_EQ(RawStatus(port, "GARBAGE\r\n\r\n"), 400);
  EXPECT_EQ(RawStatus(port, "GET / HTTP/9.9\r\n\r\n"), 505);
  const std::string big_header =
      "GET /status.json HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n";
  const int big = RawStatus(port, big_header);
  EXPECT_TRUE(big == 400 || big == 413) << big;
  const std::string big_uri = "GET /" + std::string(64 << 10, 'a') + " HTTP/1.1\r\n\r\n";
  const int uri = RawStatus(port, big_uri);
  EXPECT_TRUE(uri == 400 || uri == 413 || uri == 414) << uri;
  std::string many_headers = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 5000; ++i) many_headers += absl::StrCat("X-H", i, ": v\r\n");
  many_headers += "\r\n";
  const int many = RawStatus(port, many_headers);
  EXPECT_TRUE(many == 400 || many == 413 || many == 431) << many;
  // And it still serves.
  EXPECT_EQ(HttpGet(port, "/status.json").status, 200);
}

TEST(HttpServer, WithATokenEveryRouteNeedsIt) {
  auto server = Serve(kToken);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  for (const char* path : {"/", "/status.json", "/metrics", "/failure/7", "/nope"}) {
    SCOPED_TRACE(path);
    testutil::HttpReply none = HttpGet(port, path);
    EXPECT_EQ(none.status, 401);
    EXPECT_TRUE(absl::StartsWith(none.headers["www-authenticate"], "Bearer"));
    EXPECT_FALSE(absl::StrContains(none.body, "taskfarm_tasks"));
    EXPECT_EQ(HttpGet(port, path, {"Authorization: Bearer wrong-token-0123456789"}).status, 403);
    EXPECT_EQ(HttpGet(port, path, {"Cookie: taskfarm_token=wrong-token-0123456"}).status, 403);
  }
  const std::string bearer = absl::StrCat("Authorization: Bearer ", kToken);
  EXPECT_EQ(HttpGet(port, "/metrics", {bearer}).status, 200);
  EXPECT_EQ(HttpGet(port, "/nope", {bearer}).status, 404);
  EXPECT_EQ(HttpGet(port, "/status.json", {absl::StrCat("Cookie: taskfarm_token=", kToken)})
                .status,
            200);
  EXPECT_EQ(HttpGet(port, "/status.json?token=wrong-token-0123456789").status, 403);
}

TEST(HttpServer, QueryTokenSetsACookieAndRedirectsWithoutIt) {
  auto server = Serve(kToken);
  ASSERT_NE(server, nullptr);
  testutil::HttpReply r = HttpGet(server->port(), absl::StrCat("/?token=", kToken));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.headers["location"], "/");
  EXPECT_TRUE(absl::StartsWith(r.headers["set-cookie"], absl::StrCat("taskfarm_token=", kToken)));
  EXPECT_FALSE(absl::StrContains(r.body, kToken));
  testutil::HttpReply json =
      HttpGet(server->port(), absl::StrCat("/status.json?token=", kToken));
  EXPECT_EQ(json.status, 303);
  EXPECT_EQ(json.headers["location"], "/status.json");
  // An unknown path is never echoed back in Location.
  testutil::HttpReply odd =
      HttpGet(server->port(), absl::StrCat("/%0d%0aX-Evil:%201?token=", kToken));
  EXPECT_EQ(odd.status, 303);
  EXPECT_EQ(odd.headers["location"], "/");
  EXPECT_EQ(odd.headers.count("x-evil"), 0u);
}

TEST(HttpServer, SecondServerOnATakenPortIsUnavailable) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  absl::StatusOr<std::unique_ptr<HttpServer>> second =
      HttpServer::Start({"127.0.0.1", server->port(), "", kPageHtml});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(second.status().message(), "cannot listen")) << second.status();
}

}  // namespace
}  // namespace taskfarm::master::dashboard
