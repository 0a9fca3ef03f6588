// File: proto/transport.h
//
// Transport is a ZeroMQ socket plus multipart framing: the one place where
// cppzmq's exceptions become absl::Status, and where a peer's frame count is
// bounded so that no message can make a process misbehave. Routing frames
// (ROUTER identities) are ordinary parts here; proto::Codec decodes the rest.
//
// Example:
//   zmq::context_t context;
//   Transport t(context, zmq::socket_type::dealer);
//   if (absl::Status s = t.Connect("ipc:///tmp/x/work"); !s.ok()) ...
//   t.Send({Frame(Codec::Encode(hello))});
//   absl::StatusOr<std::optional<Parts>> in = t.Recv(3, zmq::recv_flags::none);
//
// A Transport is used by one thread at a time, like the socket it wraps.

#ifndef TASKFARM_PROTO_TRANSPORT_H_
#define TASKFARM_PROTO_TRANSPORT_H_

#include <chrono>
#include <memory>
#include <cstddef>
#include <optional>
#include "absl/strings/string_view.h"

#include <zmq.hpp>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace taskfarm::proto {

// The parts of one multipart message.
using Parts = absl::InlinedVector<zmq::message_t, 4>;

// A frame holding a copy of `bytes`.
zmq::message_t Frame(absl::string_view bytes);

// A view of a frame's bytes.
inline absl::string_view View(const zmq::message_t& frame) {
  return absl::string_view(static_cast<const char*>(frame.data()),
                          frame.size());
}

// Waits for any of `items` (sockets or raw fds) to be ready, up to
// `timeout` (-1 ms: forever). Returns how many are ready; 0 on timeout or
// when a signal interrupted the wait; kCancelled when the context is shutting
// down.
absl::StatusOr<int> Poll(absl::Span<zmq::pollitem_t> items,
                         std::chrono::milliseconds timeout);

class Transport {
 public:
  // Creates the socket with linger 0: shutdown never waits on a dead peer.
  // Throws zmq::error_t if it cannot (no file descriptor left): Open does
  // not.
  Transport(zmq::context_t& context, zmq::socket_type type);
  // As the constructor; returns kUnavailable with ZeroMQ's message (EMFILE,
  // a context that cannot start its threads) instead of throwing.
  static absl::StatusOr<std::unique_ptr<Transport>> Open(zmq::context_t& context,
                                                         zmq::socket_type type);
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
  Transport(Transport&&) = default;
  Transport& operator=(Transport&&) = default;

  // Return kInvalidArgument (bad endpoint, no such interface) or
  // kUnavailable (address in use, permission denied, no such directory),
  // with ZeroMQ's message. libzmq 4.3.4 does not range-check tcp ports
  // ("tcp://127.0.0.1:99999" binds some other port): check ports that users
  // type before they get here.
  absl::Status Bind(const std::string& endpoint);
  absl::Status Connect(const std::string& endpoint);

  // The endpoint a wildcard bind resolved to ("tcp://127.0.0.1:41234").
  std::string LastEndpoint() const;

  // Sends `parts` as one message, moving from them. With dontwait, returns
  // kResourceExhausted when the peer's queue is full (nothing was sent).
  // Returns kUnavailable when a ROUTER (router_mandatory) has no such peer.
  absl::Status Send(absl::Span<zmq::message_t> parts,
                    zmq::send_flags flags = zmq::send_flags::none);
  absl::Status Send(std::initializer_list<absl::string_view> parts,
                    zmq::send_flags flags = zmq::send_flags::none);

  // Receives one message of at most `max_parts` parts. Returns nullopt when
  // none is waiting (dontwait) or the receive timed out. A message with more
  // parts is read to its end and dropped, so the next Recv starts at the next
  // message: kInvalidArgument. Returns kCancelled when the context is being
  // shut down (ETERM).
  absl::StatusOr<std::optional<Parts>> Recv(
      size_t max_parts, zmq::recv_flags flags = zmq::recv_flags::none);

  zmq::socket_t& socket() { return socket_; }

 private:
  zmq::socket_t socket_;
};

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_TRANSPORT_H_
