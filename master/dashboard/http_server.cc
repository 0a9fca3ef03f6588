#include "master/dashboard/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <civetweb.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "master/dashboard/json_writer.h"
#include "master/dashboard/prometheus_writer.h"
#include "master/dashboard/token.h"

namespace taskfarm::master::dashboard {
namespace {

using Headers = std::vector<std::pair<const char*, std::string>>;

// The page may run its own inline script and style and talk to this server,
// nothing else: no CDN, no other host.
constexpr char kPagePolicy[] =
    "default-src 'none'; script-src 'unsafe-inline'; style-src "
    "'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

int Reply(mg_connection* conn, int status, absl::string_view type,
          absl::string_view body, const Headers& extra = {}) {
  const bool head = std::strcmp(mg_get_request_info(conn)->request_method, "HEAD") == 0;
  mg_response_header_start(conn, status);
  const std::string type_value(type), length = absl::StrCat(body.size());
  mg_response_header_add(conn, "Content-Type", type_value.c_str(), -1);
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
  mg_response_header_add(conn, "Referrer-Policy", "no-referrer", -1);
  for (const auto& [name, value] : extra) {
    mg_response_header_add(conn, name, value.c_str(), -1);
  }
  mg_response_header_send(conn);
  if (!head && !body.empty()) mg_write(conn, body.data(), body.size());
  return status;
}

int Text(mg_connection* conn, int status, absl::string_view text,
         const Headers& extra = {}) {
  return Reply(conn, status, "text/plain; charset=utf-8", text, extra);
}

std::optional<absl::string_view> Header(mg_connection* conn, const char* name) {
  const char* value = mg_get_header(conn, name);
  if (value == nullptr) return std::nullopt;
  return absl::string_view(value);
}

std::once_flag library_once;

// Opens and closes a connection to address:port (a no-op if it fails).
void Knock(const std::string& address, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) == 1) {
    (void)connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  }
  close(fd);
}

}  // namespace

HttpServer::HttpServer(Config config) : config_(std::move(config)) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(Config config) {
  std::call_once(library_once, [] { mg_init_library(0); });
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(config)));
  const std::string ports = absl::StrCat(server->config_.address, ":", server->config_.port);
  const std::string threads = absl::StrCat(kThreads);
  const std::string max_request = absl::StrCat(kMaxRequestBytes);
  const std::string timeout = absl::StrCat(
      std::chrono::duration_cast<std::chrono::milliseconds>(kRequestTimeout).count());
  const char* options[] = {"listening_ports", ports.c_str(),
                           "num_threads", threads.c_str(),
                           "max_request_size", max_request.c_str(),
                           "request_timeout_ms", timeout.c_str(),
                           "enable_keep_alive", "no",
                           "enable_directory_listing", "no",
                           nullptr};
  mg_callbacks callbacks{};
  // CivetWeb's own log lines (a dropped connection, a bad request) would
  // go between the batch's messages; the status codes say enough.
  callbacks.log_message = [](const mg_connection*, const char*) { return 1; };
  char error_text[256] = "";
  unsigned error_code = 0;
  mg_error_data error{&error_code, error_text, sizeof(error_text)};
  mg_init_data init{&callbacks, server.get(), options};
  server->context_ = mg_start2(&init, &error);
  if (server->context_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("--dashboard=", ports, ": cannot listen: ", error_text));
  }
  mg_set_request_handler(server->context_, "/", &HttpServer::OnRequest, server.get());
  mg_server_port bound[1];
  if (mg_get_server_ports(server->context_, 1, bound) != 1) {
    return absl::UnavailableError(absl::StrCat("--dashboard=", ports, ": no port"));
  }
  server->port_ = bound[0].port;
  return server;
}

HttpServer::~HttpServer() {
  if (context_ == nullptr) return;
  // CivetWeb's listener thread notices mg_stop only when its poll() returns,
  // which it does every 2 s: the master's exit would wait that long. A
  // connection wakes it; knock until mg_stop has joined every thread.
  std::atomic<bool> stopped{false};
  const std::string self = config_.address == "0.0.0.0" ? "127.0.0.1" : config_.address;
  std::thread knocker([&] {
    while (!stopped.load()) {
      Knock(self, port_);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  mg_stop(context_);
  stopped = true;
  knocker.join();
}

void HttpServer::Publish(std::shared_ptr<const View> view) {
  absl::MutexLock lock(&mu_);
  view_.swap(view);
  // The old one is released here, outside no lock a reader waits on long.
}

std::shared_ptr<const View> HttpServer::Current() const {
  absl::MutexLock lock(&mu_);
  return view_;
}

int HttpServer::OnRequest(mg_connection* conn, void* self) {
  return static_cast<HttpServer*>(self)->Serve(conn);
}

int HttpServer::Authorize(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  std::optional<std::string> query_token;
  if (info->query_string != nullptr) {
    char value[kMaxTokenLength + 1];
    int n = mg_get_var(info->query_string, std::strlen(info->query_string), "token",
                       value, sizeof(value));
    if (n >= 0) query_token.emplace(value, static_cast<size_t>(n));
    if (n == -2) query_token.emplace();  // too long: not the token
  }
  switch (CheckAccess(config_.token, Header(conn, "Authorization"),
                      Header(conn, "Cookie"), query_token)) {
    case Access::kAllowed:
      return 0;
    case Access::kMissing:
      return Text(conn, 401, "this dashboard needs its token\n",
                  {{"WWW-Authenticate", "Bearer realm=\"taskfarm\""}});
    case Access::kWrong:
      return Text(conn, 403, "wrong token\n");
    case Access::kSetCookie: {
      // Back to the same page without the token in the address bar. Only
      // a known route is echoed in Location: never the raw request.
      absl::string_view path = info->local_uri != nullptr ? info->local_uri : "/";
      const bool known = path == "/" || path == "/status.json" || path == "/metrics";
      return Text(conn, 303, "token accepted\n",
                  {{"Location", known ? std::string(path) : "/"},
                   {"Set-Cookie", TokenCookie(config_.token)}});
    }
  }
  return 0;
}

int HttpServer::Serve(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  const absl::string_view method = info->request_method;
  if (method != "GET" && method != "HEAD") {
    return Text(conn, 405, "only GET and HEAD\n", {{"Allow", "GET, HEAD"}});
  }
  if (!config_.token.empty()) {
    if (int status = Authorize(conn); status != 0) return status;
  }
  absl::string_view path = info->local_uri != nullptr ? info->local_uri : "";
  if (path == "/") {
    return Reply(conn, 200, "text/html; charset=utf-8", config_.page,
                 {{"Content-Security-Policy", kPagePolicy}, {"X-Frame-Options", "DENY"}});
  }
  std::shared_ptr<const View> view = Current();
  if (view == nullptr) {
    return Text(conn, 503, "the batch is starting\n", {{"Retry-After", "1"}});
  }
  if (path == "/status.json") {
    return Reply(conn, 200, "application/json", StatusJson(*view));
  }
  if (path == "/metrics") {
    return Reply(conn, 200, kPrometheusContentType, PrometheusText(*view));
  }
  uint64_t id = 0;
  if (absl::ConsumePrefix(&path, "/failure/") && absl::SimpleAtoi(path, &id)) {
    if (std::optional<std::string> text = FailureText(*view, id)) {
      return Text(conn, 200, *text);
    }
    return Text(conn, 404, "no such failure in the list (it keeps the newest)\n");
  }
  return Text(conn, 404, "not found; try /, /status.json or /metrics\n");
}

}  // namespace taskfarm::master::dashboard
