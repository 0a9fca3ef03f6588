// embed: runs a small batch from inside a C++ program with taskfarm::Farm.
// Two worker processes (//worker, a data dependency found through
// runfiles) compute fib 1..20 and some prime counts; every result comes
// back to the callback below, once, in completion order.
//
//   ./tools/bazel run //examples/embed
//
// Prints one line per task, "ID TASK ARGS -> STATUS RESULT", and exits with
// Farm::Run's code (0: every task ok).

#include <cstdio>
#include <string>

#include "master/farm.h"

int main() {
  taskfarm::Farm farm(taskfarm::FarmOptions{.workers = 2});
  for (int n = 1; n <= 20; ++n) farm.Submit("fib", {std::to_string(n)});
  farm.SubmitLine("primes 10..20");  // the task language: 11 tasks

  int code = farm.Run([](const taskfarm::Result& r) {
    std::printf("%llu %s %s -> %s %s\n", static_cast<unsigned long long>(r.id),
                r.task.c_str(), r.args.empty() ? "" : r.args[0].c_str(),
                r.status.c_str(), r.result.c_str());
  });
  std::fflush(stdout);
  return code;
}
