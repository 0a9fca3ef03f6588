// File: tests/testutil/gate.h
//
// Tasks that end on an event rather than after a time, for end-to-end tests
// that must not depend on the machine's speed.
//
// A Gate is a task that cannot finish before the test says so: an `exec`
// task that waits for a file to exist. A batch that holds a gate cannot end
// on its own, so a test can act on it (kill a worker, cut a link, wait for a
// rejoin) as late as it likes, on a machine of any speed, and then open the
// gate and let the batch finish. This is how end-to-end tests tie their
// faults to events instead of hoping that the batch is still running.
//
// The gate's process dies with its worker (exec sets PR_SET_PDEATHSIG), and
// a gate opened before its task starts lets the task end at once.
//
// Example:
//   Gate gate(dir);
//   WriteFile(dir + "/tasks.txt", "fib 1..1000\n" + gate.Task() + "\n");
//   ... start the master, kill things ...
//   gate.Open();
//
// A Barrier is a task that ends once tasks of it have run in `n` different
// workers, so a batch that starts with barrier tasks cannot end unless `n`
// workers got work: a fact the dispatcher must make true, not the clock.
// Each worker may hold a few barrier tasks (its window) without deadlock as
// long as there are enough of them for `n` workers to run one each.
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_GATE_H_
#define TASKFARM_TESTS_TESTUTIL_GATE_H_

#include <string>

namespace taskfarm::testing {

class Gate {
 public:
  // A closed gate whose file is `dir`/gate.N (N counts gates in `dir`).
  explicit Gate(const std::string& dir);

  // The task line (one line of the task language, no `;` outside quotes,
  // so it also fits in --tasks=...). Its result is "" with status ok.
  std::string Task() const;

  // Lets every running and future gate task end; idempotent.
  void Open() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class Barrier {
 public:
  // A barrier for `n` workers, keeping its state in the new directory
  // `dir`/barrier.N.
  Barrier(const std::string& dir, int n);

  // The task line (fits in --tasks=...); its result is "" with status ok.
  std::string Task() const;

  // kTasksPerWorker x n task lines, each followed by "; ", to put first in
  // --tasks=...: enough for n workers to run one each, since a worker that
  // has not yet measured a task holds at most --window (default 2) batches
  // of one task.
  static constexpr int kTasksPerWorker = 2;
  std::string Tasks() const;

 private:
  std::string dir_;
  int n_;
};

}  // namespace taskfarm::testing

#endif  // TASKFARM_TESTS_TESTUTIL_GATE_H_
