// File: proto/value.h
//
// Value is one typed task argument as it travels between processes: a signed
// or unsigned 64-bit integer, a double, or a string. String values are views
// into a buffer owned elsewhere (an input line, a received frame), so a Value
// never allocates; keep the buffer alive while the Value is in use.
//
// Example:
//   Value v = int64_t{30};
//   if (const int64_t* n = std::get_if<int64_t>(&v)) ...

#ifndef TASKFARM_PROTO_VALUE_H_
#define TASKFARM_PROTO_VALUE_H_

#include <cstdint>
#include "absl/strings/string_view.h"
#include <variant>

namespace taskfarm::proto {

using Value = std::variant<int64_t, uint64_t, double, absl::string_view>;

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_VALUE_H_
