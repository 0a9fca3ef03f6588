// File: proto/codec.h
//
// Codec turns the message structs of proto/messages.h into header frames and
// back. A header frame is a msgpack array [kProtocolVersion, type, fields...].
// Decoding never throws and never trusts its input: sizes are bounded, every
// field is type-checked, and a bad frame yields kInvalidArgument.
//
// Example:
//   std::string frame = Codec::Encode(proto::Ack{.seq = 7});
//   absl::StatusOr<proto::Message> m = Codec::Decode(frame);
//   if (m.ok()) if (auto* ack = std::get_if<proto::Ack>(&*m)) ...
//
// Stateless; thread-safe.

#ifndef TASKFARM_PROTO_CODEC_H_
#define TASKFARM_PROTO_CODEC_H_

#include <cstddef>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "proto/messages.h"

namespace taskfarm::proto {

// No header frame is larger (a hello with its task list is the largest).
inline constexpr size_t kMaxHeaderBytes = 1 << 20;
// No string in a header frame is longer. Encode does not cut: a sender keeps
// free text (Fatal::reason, Shutdown::reason, ...) below this.
inline constexpr size_t kMaxHeaderStringBytes = 64 << 10;

class Codec {
 public:
  // Encodes any message as one header frame.
  static std::string Encode(const Message& message);

  // Decodes a header frame. Returns kInvalidArgument if it is truncated,
  // oversized, of another protocol version, of an unknown type, has a field
  // of the wrong type, count or range, a string over kMaxHeaderStringBytes,
  // or trailing bytes.
  static absl::StatusOr<Message> Decode(absl::string_view frame);

  // The message type of a frame, from its envelope alone: cheap, for routing
  // on a hot path. Returns kInvalidArgument if the frame is oversized or its
  // envelope (an array of at least [version, type]) is bad. The fields and
  // the end of the frame are left to Decode, so PeekType may name the type
  // of a frame that Decode refuses, but never disagrees with a successful
  // Decode, and a frame that PeekType refuses Decode refuses too.
  static absl::StatusOr<MessageType> PeekType(absl::string_view frame);
};

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_CODEC_H_
