// File: master/farm.h
//
// Farm runs a batch of tasks on worker processes from inside a C++ program:
// the master binary is a thin wrapper around it, so both share one code
// path. A Farm starts `options.workers` worker processes (the //worker
// executable, or options.worker_bin: any binary linking //worker:main), hands
// them the submitted tasks, and delivers each task's Result to a callback
// in the calling thread, exactly once, in completion order. Crashed workers
// are replaced and their tasks rerun, as in the master (README.md).
//
// Example:
//   taskfarm::Farm farm(taskfarm::FarmOptions{.workers = 2});
//   farm.Submit("fib", {"30"});
//   farm.SubmitLine("primes 1..1000");
//   int code = farm.Run([](const taskfarm::Result& r) {
//     std::printf("%s(%s) = %s\n", r.task.c_str(), r.args[0].c_str(),
//                 r.result.c_str());
//   });
//
// Run blocks until every task is reported or the batch stops, and returns
// the master's exit code (master/options.h: 0 all ok, 1 some task not ok,
// 2 bad input, with "submitted:N: what is wrong" on stderr, or options out
// of range, with "--FLAG=VALUE: what it accepts" naming the master flag of
// the field (master/flag_checks.h, the binary's checks), 3 crash loop,
// 128+N stopped by signal N). While it runs, SIGINT, SIGTERM, SIGQUIT and
// SIGCHLD are blocked in the calling thread and read by the Farm; call Run
// before starting other threads (or block those signals in them), or a
// signal may go to another thread. When Run returns, the signal mask and
// SIGPIPE's disposition are as before, every child has exited and been
// reaped, and the runtime directory is gone. No summary is printed unless
// options.summary is set.
//
// Use from one thread; one Run at a time per process.

#ifndef TASKFARM_MASTER_FARM_H_
#define TASKFARM_MASTER_FARM_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "master/options.h"
#include "master/result.h"

namespace taskfarm {

using FarmOptions = master::FarmOptions;

class Farm {
 public:
  explicit Farm(FarmOptions options = {});
  Farm(const Farm&) = delete;
  Farm& operator=(const Farm&) = delete;

  // Adds one task: `kind` with `args`, each one argument exactly as given
  // (never a range, any characters). The kind and arguments are checked
  // against the workers' task kinds when Run starts. Task ids count from 0
  // in submission order, a line with a range counting as its many tasks.
  void Submit(absl::string_view kind, const std::vector<std::string>& args);
  // Adds one line of the task language, e.g. "primes 1..1000" (a range is
  // many tasks; README.md, "The task language").
  void SubmitLine(absl::string_view line);

  // Runs the submitted tasks (and options.inputs, after them); calls
  // `on_result` once per task, in completion order. `on_result` must not
  // throw. No logger process runs, so the output settings (output, format,
  // fsync, keep_order, progress) do not apply.
  int Run(std::function<void(const Result&)> on_result);
  // Runs as the master binary does: a logger process writes the records to
  // options.output in options.format. With no task submitted and no
  // options.inputs, runs the demo batch.
  int Run();

 private:
  // The submitted tasks as an input, first in line.
  FarmOptions WithSubmitted() const;

  FarmOptions options_;
  std::string submitted_;  // one task per line
};

}  // namespace taskfarm

#endif  // TASKFARM_MASTER_FARM_H_
