#include "master/exit_code.h"

#include "proto/contract.h"

namespace taskfarm::master {

namespace exit = proto::master_exit;

StopReason Prevailing(const std::optional<StopReason>& current,
                      StopReason proposed) {
  if (!current || (proposed.code == exit::kCrashLoop &&
                   current->code != exit::kCrashLoop)) {
    return proposed;
  }
  return *current;
}

StopReason FinalOutcome(const std::optional<StopReason>& reason,
                        bool output_confirmed, uint64_t tasks_not_ok) {
  // An ordinary end (not a signal, a crash loop, bad input or a failed
  // output, which say what went wrong themselves).
  const bool ordinary =
      !reason || reason->code == exit::kOk || reason->code == exit::kTasksFailed;
  if (!output_confirmed && ordinary) {
    // Every child is gone, yet the logger never confirmed some records:
    // never report such a batch as done.
    return StopReason{exit::kOutputFailed, "the logger did not write every record"};
  }
  if (reason) return *reason;
  if (tasks_not_ok > 0) return StopReason{exit::kTasksFailed, "done; some tasks failed"};
  return StopReason{exit::kOk, "done"};
}

}  // namespace taskfarm::master
