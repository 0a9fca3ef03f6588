// File: tests/testutil/kinds.h
//
// Task kinds for tests of the master's input, as a worker's hello would
// advertise them (the master links no task code), and a way to render task
// arguments for comparison.
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_KINDS_H_
#define TASKFARM_TESTS_TESTUTIL_KINDS_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "base/check.h"
#include "master/input/kind_table.h"
#include "proto/messages.h"
#include "proto/value.h"

namespace taskfarm::testutil {

// fib int, sleep uint, fibmod int int, grid uint uint, scale float,
// echo str..., exec str str..., tag int str, hang (none); in this order.
inline master::KindTable TestKinds() {
  absl::StatusOr<master::KindTable> table = master::KindTable::From({
      {"fib", "int", "the n-th Fibonacci number"},
      {"sleep", "uint", "sleeps MS milliseconds"},
      {"fibmod", "int int", "fib(n) mod m"},
      {"grid", "uint uint", "a point"},
      {"scale", "float", "a number"},
      {"echo", "str...", "its arguments"},
      {"exec", "str str...", "a command"},
      {"tag", "int str", "a number and a label"},
      {"hang", "", "never returns"},
  });
  TF_CHECK(table.ok());
  return *std::move(table);
}

// Arguments with their types visible: 5 (int), 5u (uint), 2.5f (float),
// "a" (str); separated by spaces. Untyped, numbers are bare (a decoded
// frame holds every non-negative integer as uint).
inline std::string RenderArgs(absl::Span<const proto::Value> args,
                              bool typed = true) {
  return absl::StrJoin(
      args, " ", [typed](std::string* out, const proto::Value& v) {
        std::visit(
            [out, typed](const auto& x) {
              using T = std::decay_t<decltype(x)>;
              if constexpr (std::is_same_v<T, absl::string_view>) {
                absl::StrAppend(out, "\"", x, "\"");
              } else if constexpr (std::is_same_v<T, uint64_t>) {
                absl::StrAppend(out, x, typed ? "u" : "");
              } else if constexpr (std::is_same_v<T, double>) {
                absl::StrAppend(out, x, typed ? "f" : "");
              } else {
                absl::StrAppend(out, x);
              }
            },
            v);
      });
}

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_KINDS_H_
