// File: proto/socket_monitor.h
//
// SocketMonitor reads the events libzmq reports about a socket's
// connections (zmq_socket_monitor): connects, disconnects, and above all
// CURVE handshakes, whose failures are otherwise invisible. A refused client
// gets no error from any send or receive, only silence; the monitor is
// where "the server refused our key" (HANDSHAKE_FAILED_AUTH, 400) and "the
// handshake failed" (a wrong server key) show up.
//
// Example:
//   absl::StatusOr<SocketMonitor> m = SocketMonitor::Attach(
//       context, socket, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
//   ... poll m->socket() beside the others ...
//   for (const SocketMonitor::Event& e : m->Drain()) ...
//
// Use from one thread at a time (it may move to another thread, as a
// socket may).

#ifndef TASKFARM_PROTO_SOCKET_MONITOR_H_
#define TASKFARM_PROTO_SOCKET_MONITOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/status/statusor.h"

namespace taskfarm::proto {

class SocketMonitor {
 public:
  struct Event {
    uint16_t event = 0;  // ZMQ_EVENT_*
    uint32_t value = 0;  // a status code, errno, protocol error or fd
    std::string endpoint;
  };

  // Monitors `events` (a ZMQ_EVENT_* mask) of `socket`, which lives in
  // `context`; call before it binds or connects so no event is missed.
  // Returns kInternal with libzmq's reason if monitoring cannot start.
  static absl::StatusOr<SocketMonitor> Attach(zmq::context_t& context,
                                              zmq::socket_t& socket,
                                              int events);
  SocketMonitor(SocketMonitor&&) = default;
  SocketMonitor& operator=(SocketMonitor&&) = default;
  SocketMonitor(const SocketMonitor&) = delete;
  SocketMonitor& operator=(const SocketMonitor&) = delete;

  // Every event waiting, without blocking; malformed ones are skipped.
  std::vector<Event> Drain();

  // The socket events arrive on, for polling.
  zmq::socket_t& socket() { return pair_; }

 private:
  explicit SocketMonitor(zmq::socket_t pair) : pair_(std::move(pair)) {}

  zmq::socket_t pair_;
};

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_SOCKET_MONITOR_H_
