// File: master/dashboard/http_server.h
//
// HttpServer serves the dashboard over HTTP with CivetWeb (Debian
// libcivetweb-dev): a listener thread and kThreads request threads of its
// own, so that nothing of HTTP ever runs in the master's event loop. The
// shell hands it a View (view.h) now and then (Publish, a pointer swap
// under a mutex); request threads render from the view they took. Routes:
//
//   GET /               the page (self-contained HTML, script and style)
//   GET /status.json    the view as JSON (json_writer.h)
//   GET /metrics        Prometheus text format (prometheus_writer.h)
//   GET /failure/ID     the whole result text of failed task ID
//
// HEAD works on each. Anything else: 404, and 405 for other methods. With a
// token (token.h), every request must carry it: 401 without, 403 with a
// wrong one. CivetWeb answers malformed requests with 400 and a request
// head over kMaxRequestBytes (headers included) with 400 as well, holding
// no more than that per connection; a client that sends nothing is dropped
// after kRequestTimeout.
//
// Thread-safe.

#ifndef TASKFARM_MASTER_DASHBOARD_HTTP_SERVER_H_
#define TASKFARM_MASTER_DASHBOARD_HTTP_SERVER_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "master/dashboard/view.h"

struct mg_connection;
struct mg_context;

namespace taskfarm::master::dashboard {

class HttpServer {
 public:
  static constexpr int kThreads = 2;
  static constexpr int kMaxRequestBytes = 16384;
  static constexpr std::chrono::seconds kRequestTimeout{10};

  struct Config {
    std::string address = "127.0.0.1";  // IPv4
    int port = 0;                       // 0: any free port
    std::string token;                  // "" = none needed
    absl::string_view page;             // the HTML of "/"; must outlive
                                        // the server
  };

  // Starts the threads, listening on config.address:config.port. Returns
  // kUnavailable (with CivetWeb's reason) if it cannot listen there.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(Config config);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Stops listening and joins every thread (a request being served is
  // finished first): milliseconds, or up to about 2 s while a client holds
  // a request half-sent.
  ~HttpServer();

  // The port it listens on.
  int port() const { return port_; }

  // Requests from now on see `view`.
  void Publish(std::shared_ptr<const View> view);

 private:
  explicit HttpServer(Config config);
  static int OnRequest(mg_connection* conn, void* self);
  int Serve(mg_connection* conn);
  // Checks the token; returns 0 if the request may go on, else the status
  // it was answered with.
  int Authorize(mg_connection* conn);
  std::shared_ptr<const View> Current() const;

  Config config_;
  mg_context* context_ = nullptr;
  int port_ = 0;
  mutable absl::Mutex mu_;
  std::shared_ptr<const View> view_ ABSL_GUARDED_BY(mu_);
};

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_HTTP_SERVER_H_
