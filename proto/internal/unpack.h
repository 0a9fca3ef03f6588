// File: proto/internal/unpack.h
// IWYU pragma: private, include "proto/codec.h"
//
// The one place where msgpack's exceptions become absl::Status. Decoders call
// these instead of msgpack::unpack or object::convert directly.
//
// Thread-compatible.

#ifndef TASKFARM_PROTO_INTERNAL_UNPACK_H_
#define TASKFARM_PROTO_INTERNAL_UNPACK_H_

#include <cstddef>
#include "absl/strings/string_view.h"

#include <msgpack.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace taskfarm::proto::internal {

struct Limits {
  size_t max_bytes;  // the whole frame
  size_t array;      // elements of any one array
  size_t str;        // bytes of any one string
  size_t depth;      // nesting
};

// Unpacks exactly one msgpack object filling all of `data` into `zone`.
// Strings in the result point into `data` (no copy): keep it alive.
// Returns kInvalidArgument for a truncated, malformed or oversized frame, for
// trailing bytes, for an array that claims more elements than the frame has
// bytes, for bins and exts, and for maps with any entries. Our frames use no
// bins, exts or maps; an empty map gets through here, to be refused by the
// decoder's type check like any other value of the wrong type.
absl::StatusOr<msgpack::object> Unpack(msgpack::zone& zone,
                                       absl::string_view data,
                                       const Limits& limits);

// Converts `obj` to T with msgpack's adaptors. Returns kInvalidArgument
// naming `what` when the type or range is wrong.
template <typename T>
absl::Status Convert(const msgpack::object& obj, T* out, const char* what) {
  try {
    obj.convert(*out);
    return absl::OkStatus();
  } catch (const std::exception&) {
    return absl::InvalidArgumentError(
        std::string("bad frame: wrong type for ") + what);
  }
}

}  // namespace taskfarm::proto::internal

#endif  // TASKFARM_PROTO_INTERNAL_UNPACK_H_
