// File: proto/signature.h
//
// A Signature says which arguments a task kind takes, in a small text form
// that workers advertise in their hello message and that the master uses to
// check every input line before any task runs:
//
//   ""              no arguments
//   "int"           one signed 64-bit integer
//   "uint uint"     two unsigned 64-bit integers
//   "float int"     a double, then an integer
//   "str str..."    one string, then any number of further strings
//
// The last type may carry "..." (zero or more further arguments of it).
// Types: int, uint, float, str.
//
// Signature is a value type; all functions are thread-compatible.

#ifndef TASKFARM_PROTO_SIGNATURE_H_
#define TASKFARM_PROTO_SIGNATURE_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/value.h"

namespace taskfarm::proto {

enum class ArgType : uint8_t { kInt, kUint, kFloat, kStr };

// "int", "uint", "float" or "str".
absl::string_view ArgTypeName(ArgType type);

class Signature {
 public:
  Signature() = default;

  // Parses the text form above. Returns kInvalidArgument naming the bad word.
  static absl::StatusOr<Signature> Parse(absl::string_view text);

  // The text form, e.g. "int str...".
  std::string ToString() const;

  // For error messages: "no arguments", "1 integer argument",
  // "2 arguments (uint uint)", "at least 1 argument (str str...)",
  // "any number of arguments (str...)".
  std::string Describe() const;

  // Whether `count` arguments fit (fixed count, or at least that with "...").
  [[nodiscard]] bool AcceptsCount(size_t count) const;

  // The type of argument `index` (the repeated type past the fixed ones).
  // Requires AcceptsCount(index + 1).
  ArgType TypeAt(size_t index) const;

  // Checks `args` (as decoded from a frame) against this signature and
  // converts each in place to its declared type: an integer that fits
  // becomes int64_t or uint64_t, any number becomes double for float.
  // Returns kInvalidArgument naming the first argument that does not fit.
  absl::Status Coerce(std::vector<Value>* args) const;

  size_t fixed_count() const { return types_.size() - (variadic_ ? 1 : 0); }
  bool variadic() const { return variadic_; }
  const std::vector<ArgType>& types() const { return types_; }

  friend bool operator==(const Signature&, const Signature&) = default;

 private:
  std::vector<ArgType> types_;
  bool variadic_ = false;
};

// Parses one argument written as text. Integers are decimal with an optional
// sign ("-0" is not a uint); floats use the usual notation and must be
// finite ("nan", "inf" and overflows such as "1e999" are refused); numbers
// take no surrounding whitespace; a str is `text` itself (a view of it).
// Returns kInvalidArgument with a short reason such as
// `expected an integer, got "x"`.
absl::StatusOr<Value> ParseArg(ArgType type, absl::string_view text);

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_SIGNATURE_H_
