// File: tests/testutil/pack.h
//
// Hand-made msgpack frames for decoder tests: Pack() writes its arguments as
// one msgpack array with msgpack-c's own adaptors, so a test can build any
// frame, well-formed or not, field by field. std::tuple and std::vector
// become arrays, std::map a map, std::vector<char> a bin, and Raw bytes are
// copied verbatim (for headers that claim more than follows, exts, ...).
//
// Example:
//   std::string ack = Pack(1u, 11u, 7u);             // [1, 11, 7]
//   std::string bad = Pack(1u, 11u, std::string("7"));  // seq is a string
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_PACK_H_
#define TASKFARM_TESTS_TESTUTIL_PACK_H_

#include <cstdint>
#include <msgpack.hpp>
#include <string>
#include <utility>

namespace taskfarm::testutil {

// Bytes that Pack() copies into the frame as they are.
struct Raw {
  std::string bytes;
};

// Packs each value as it is, without an enclosing array.
template <typename... T>
std::string PackSeq(const T&... values) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  (packer.pack(values), ...);
  return std::string(buffer.data(), buffer.size());
}

// Packs `values` as one msgpack array.
template <typename... T>
std::string Pack(const T&... values) {
  return PackSeq(std::forward_as_tuple(values...));
}

}  // namespace taskfarm::testutil

// clang-format cannot tell that the macro below opens a namespace.
// clang-format off
namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS) {
namespace adaptor {

// Raw bytes go into the stream unchanged (pack_bin_body appends verbatim).
template <>
struct pack<taskfarm::testutil::Raw> {
  template <typename Stream>
  packer<Stream>& operator()(packer<Stream>& o,
                             const taskfarm::testutil::Raw& raw) const {
    return o.pack_bin_body(raw.bytes.data(),
                           static_cast<uint32_t>(raw.bytes.size()));
  }
};

}  // namespace adaptor
}  // MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS)
}  // namespace msgpack
// clang-format on

#endif  // TASKFARM_TESTS_TESTUTIL_PACK_H_
