// Two task kinds of our own, registered with TASKFARM_TASK (tasks/registry.h)
// and linked into examples/custom_tasks:my_worker beside the standard ones.
// A task gets its arguments already checked against its signature, appends
// its result as text, and returns OK or an error (status "error").

#include <cstdint>
#include <numeric>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace {

// wordcount TEXT: how many blank-separated words TEXT has.
absl::Status WordCount(const taskfarm::tasks::Call& call, std::string* result) {
  uint64_t words = 0;
  bool in_word = false;
  for (char c : call.Str(0)) {
    const bool blank = absl::ascii_isspace(static_cast<unsigned char>(c));
    if (!blank && !in_word) ++words;
    in_word = !blank;
  }
  absl::StrAppend(result, words);
  return absl::OkStatus();
}

// gcd A B: the greatest common divisor; gcd 0 0 is an error.
absl::Status Gcd(const taskfarm::tasks::Call& call, std::string* result) {
  const uint64_t a = call.Uint(0), b = call.Uint(1);
  if (a == 0 && b == 0) return absl::InvalidArgumentError("gcd: 0 and 0 have none");
  absl::StrAppend(result, std::gcd(a, b));
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(wordcount, "str", "TEXT: the number of blank-separated words in TEXT",
              &WordCount);
TASKFARM_TASK(gcd, "uint uint", "A B: the greatest common divisor of A and B",
              &Gcd);
