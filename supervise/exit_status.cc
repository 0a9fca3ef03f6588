#include "supervise/exit_status.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"

namespace taskfarm::supervise {

ExitStatus ExitStatus::FromWait(int wait_status) {
  if (WIFSIGNALED(wait_status)) return {true, WTERMSIG(wait_status)};
  return {false, WEXITSTATUS(wait_status)};
}

std::string ExitStatus::ToString() const {
  if (!signaled) return absl::StrCat("exit ", code);
  const char* abbrev = sigabbrev_np(code);
  if (abbrev == nullptr) return absl::StrCat("signal ", code);
  return absl::StrCat("SIG", abbrev);
}

}  // namespace taskfarm::supervise
