// File: master/exit_code.h
//
// How the master decides its exit code (README: "Exit codes"), as pure
// functions. A batch may be stopped for several reasons at once (a signal,
// then a crash loop while stopping; --halt, then the output fails): the
// first reason wins, except that a crash loop replaces any other, since it
// says why the batch could not go on. A batch that was not stopped ends 0
// if every task was ok, 1 if some were not; and whatever the reason, a
// batch whose records the logger did not all confirm never ends 0 or 1:
// it ends kOutputFailed (4), unless a signal stopped it.
//
// Pure functions; thread-safe.

#ifndef TASKFARM_MASTER_EXIT_CODE_H_
#define TASKFARM_MASTER_EXIT_CODE_H_

#include <cstdint>
#include <optional>
#include <string>

namespace taskfarm::master {

// Why a batch stops early, and the code it ends with.
struct StopReason {
  int code = 0;
  std::string outcome;  // for people: "interrupted by SIGTERM"

  friend bool operator==(const StopReason&, const StopReason&) = default;
};

// The reason that stands once `proposed` comes after `current`.
StopReason Prevailing(const std::optional<StopReason>& current,
                      StopReason proposed);

// The exit code and outcome of a batch that ended: stopped for `reason`
// (if any); `output_confirmed` if the logger acknowledged every record;
// `tasks_not_ok` tasks reported with another status than ok.
StopReason FinalOutcome(const std::optional<StopReason>& reason,
                        bool output_confirmed, uint64_t tasks_not_ok);

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_EXIT_CODE_H_
