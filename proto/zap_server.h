// File: proto/zap_server.h
//
// ZapServer is the ZAP handler (ZeroMQ RFC 27) of one context: a REP socket
// on inproc://zeromq.zap.01 that libzmq asks about every CURVE client of
// every CURVE server socket in that context. It answers 200 to clients whose
// public key is in an AllowList and 400 to the others, and logs each
// refusal (once per key and address). It also watches one socket's monitor
// for CURVE handshakes that fail before any ZAP request (a client with the
// wrong server key), and logs those, rate-limited: libzmq retries them every
// few hundred milliseconds.
//
// It runs on its own thread, so the master's event loop never waits for a
// handshake. Start it before the CURVE socket binds: a context with no ZAP
// handler admits every client that knows the server's public key.
//
// Example:
//   absl::StatusOr<std::unique_ptr<ZapServer>> zap = ZapServer::Start(
//       context, *std::move(allow), &router,
//       [](const std::string& line) { std::fprintf(stderr, "%s\n", ...); });
//   ... router.bind("tcp://*:5555") ...
//
// Thread-safe: the counters may be read from any thread.

#ifndef TASKFARM_PROTO_ZAP_SERVER_H_
#define TASKFARM_PROTO_ZAP_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "proto/curve.h"
#include "proto/socket_monitor.h"

namespace taskfarm::proto {

// The answer to one ZAP request.
struct ZapAnswer {
  std::string status_code;  // "200", "400", or "500" for a malformed request
  std::string status_text;
  std::string user_id;      // the key's label in the allow-list
  std::string key;          // the client's public key (Z85), if any
  std::string address;      // the client's IP address
};

// Decides a ZAP request (its frames: version, request id, domain, address,
// routing id, mechanism, credentials...). Pure: no sockets.
ZapAnswer AnswerZap(const std::vector<std::string>& request,
                    const AllowList& allow);

class ZapServer {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Binds the handler in `context` and starts its thread; monitors
  // `watched` (may be null) for failed handshakes. Returns kUnavailable if
  // another ZAP handler is bound in the context already.
  static absl::StatusOr<std::unique_ptr<ZapServer>> Start(
      zmq::context_t& context, AllowList allow, zmq::socket_t* watched,
      Log log);
  ZapServer(const ZapServer&) = delete;
  ZapServer& operator=(const ZapServer&) = delete;
  ~ZapServer();  // stops the thread; closes its sockets

  uint64_t admitted() const { return admitted_.load(); }
  uint64_t refused() const { return refused_.load(); }
  uint64_t failed_handshakes() const { return failed_.load(); }

 private:
  ZapServer(zmq::socket_t handler, std::optional<SocketMonitor> monitor,
            AllowList allow, Log log, int wake_fd);
  void Loop();
  void Answer();
  void OnMonitorEvents();

  zmq::socket_t handler_;
  std::optional<SocketMonitor> monitor_;
  AllowList allow_;
  Log log_;
  int wake_fd_;
  std::vector<std::string> logged_;  // "key address" refusals already logged
  int64_t last_failure_log_ms_ = 0;
  uint64_t failures_unlogged_ = 0;
  std::atomic<uint64_t> admitted_{0}, refused_{0}, failed_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_ZAP_SERVER_H_
