#include "base/signal_name.h"

#include <signal.h>
#include <string.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"

namespace taskfarm::base {

std::string SignalName(int sig) {
  const char* abbrev = sig > 0 && sig < NSIG ? sigabbrev_np(sig) : nullptr;
  if (abbrev == nullptr) return absl::StrCat("signal ", sig);
  return absl::StrCat("SIG", abbrev);
}

int SignalNumber(absl::string_view name) {
  int number;
  if (absl::SimpleAtoi(name, &number)) {
    return number > 0 && number < NSIG ? number : 0;
  }
  const std::string upper = absl::AsciiStrToUpper(name);
  absl::string_view bare = upper;
  absl::ConsumePrefix(&bare, "SIG");
  for (int sig = 1; sig < NSIG; ++sig) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev != nullptr && bare == abbrev) return sig;
  }
  return 0;
}

}  // namespace taskfarm::base
