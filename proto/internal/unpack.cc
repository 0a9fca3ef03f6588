#include "proto/internal/unpack.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace taskfarm::proto::internal {
namespace {

// Strings stay in the caller's buffer. msgpack's limits refuse every bin and
// ext with content (their limits are 0) but let empty ones through; they
// arrive here, and no frame of ours has them.
bool Reference(msgpack::type::object_type type, std::size_t, void*) {
  if (type != msgpack::type::STR) throw msgpack::unpack_error("bin or ext");
  return true;
}

}  // namespace

absl::StatusOr<msgpack::object> Unpack(msgpack::zone& zone,
                                       absl::string_view data,
                                       const Limits& limits) {
  if (data.size() > limits.max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad frame: ", data.size(), " bytes, more than ", limits.max_bytes));
  }
  if (data.empty()) return absl::InvalidArgumentError("bad frame: empty");
  // Every element takes a byte at least, so no array of this frame can hold
  // more elements than it has bytes. msgpack allocates room for a claimed
  // count up front (24 bytes an element): refuse a header that claims more
  // before it does, so a 5-byte frame cannot ask for megabytes.
  msgpack::unpack_limit limit(std::min(limits.array, data.size()), /*map=*/0,
                              limits.str, /*bin=*/0, /*ext=*/0, limits.depth);
  std::size_t offset = 0;
  try {
    msgpack::object obj = msgpack::unpack(zone, data.data(), data.size(),
                                          offset, &Reference, nullptr, limit);
    if (offset != data.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad frame: ", data.size() - offset, " bytes after the message"));
    }
    return obj;
  } catch (const msgpack::insufficient_bytes&) {
    return absl::InvalidArgumentError("bad frame: truncated");
  } catch (const msgpack::depth_size_overflow&) {
    return absl::InvalidArgumentError("bad frame: nested too deeply");
  } catch (const msgpack::size_overflow&) {
    return absl::InvalidArgumentError("bad frame: a field is too large");
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("bad frame: ", e.what()));
  }
}

}  // namespace taskfarm::proto::internal
