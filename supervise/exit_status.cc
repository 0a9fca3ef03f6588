#include "supervise/exit_status.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"
#include "base/signal_name.h"

namespace taskfarm::supervise {

ExitStatus ExitStatus::FromWait(int wait_status) {
  if (WIFSIGNALED(wait_status)) return {true, WTERMSIG(wait_status)};
  return {false, WEXITSTATUS(wait_status)};
}

std::string ExitStatus::ToString() const {
  if (!signaled) return absl::StrCat("exit ", code);
  return base::SignalName(code);
}

}  // namespace taskfarm::supervise
