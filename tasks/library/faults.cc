// Fault-injection task kinds, for trying out and testing what taskfarm does
// when tasks misbehave. Each does exactly what its name says to the worker
// process that runs it; the master survives all of them.

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/signal_name.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

absl::Status Crash(const Call& call, std::string*) {
  int sig = base::SignalNumber(call.Str(0));
  if (sig == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("crash: unknown signal \"", call.Str(0), "\""));
  }
  // Make sure the signal kills: restore its default action and unblock it.
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
  // SIGCHLD, SIGURG and the like do not kill; say so rather than pretend.
  return absl::InvalidArgumentError(
      absl::StrCat("crash: signal ", call.Str(0), " does not kill a process"));
}

absl::Status Exit(const Call& call, std::string*) {
  _exit(static_cast<int>(call.Int(0) & 0xff));
}

[[noreturn]] absl::Status Hang(const Call&, std::string*) {
  for (;;) pause();
}

absl::Status Alloc(const Call& call, std::string* result) {
  uint64_t mb = call.Uint(0);
  if (mb > (uint64_t{1} << 30)) {
    return absl::InvalidArgumentError("alloc: more than 1 PiB requested");
  }
  size_t bytes = static_cast<size_t>(mb) << 20;
  // Throws std::bad_alloc past --max-memory: the worker reports it as oom.
  std::unique_ptr<char[]> block(new char[bytes]);
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (size_t i = 0; i < bytes; i += page) block[i] = static_cast<char>(i);
  absl::StrAppend(result, "allocated ", mb, " MB");
  return absl::OkStatus();
}

absl::Status Sleep(const Call& call, std::string* result) {
  absl::SleepFor(absl::Milliseconds(call.Uint(0)));
  absl::StrAppend(result, "slept ", call.Uint(0), " ms");
  return absl::OkStatus();
}

absl::Status Fail(const Call& call, std::string*) {
  std::vector<absl::string_view> words;
  for (size_t i = 0; i < call.size(); ++i) words.push_back(call.Str(i));
  return absl::UnknownError(absl::StrJoin(words, " "));
}

absl::Status Throw(const Call& call, std::string*) {
  throw std::runtime_error(std::string(call.Str(0)));
}

}  // namespace

TASKFARM_TASK(crash, "str",
              "SIGNAL: fault injection: the worker raises SIGNAL (SIGSEGV, "
              "SEGV or 11) and dies",
              &Crash);
TASKFARM_TASK(exit, "int",
              "CODE: fault injection: the worker exits at once with status CODE",
              &Exit);
TASKFARM_TASK(hang, "", "fault injection: never returns (see --timeout)",
              &Hang);
TASKFARM_TASK(alloc, "uint",
              "MB: fault injection: allocates and touches MB megabytes (see "
              "--max-memory)",
              &Alloc);
TASKFARM_TASK(sleep, "uint", "MS: sleeps MS milliseconds, then returns \"slept MS ms\"", &Sleep);
TASKFARM_TASK(fail, "str...",
              "WORDS...: fault injection: returns an error, the words as message",
              &Fail);
TASKFARM_TASK(throw, "str",
              "MESSAGE: fault injection: throws; the worker reports it and "
              "exits",
              &Throw);

}  // namespace taskfarm::tasks
