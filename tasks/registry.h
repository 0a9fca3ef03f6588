// File: tasks/registry.h
//
// TaskRegistry maps task kind names to their functions, signatures and docs.
// It is taskfarm's only global. Task kinds register themselves at static
// initialisation with TASKFARM_TASK, the way Google Benchmark's BENCHMARK
// does; a worker binary then advertises every registered kind in its hello.
// A library of tasks must be linked with alwayslink = True, or the linker
// drops its registrations.
//
// Example:
//   TASKFARM_TASK(fib, "int", "the n-th Fibonacci number", &Fib);
//   const TaskDef* def = TaskRegistry::Global()->Find("fib");
//
// Thread-safe: registration and lookup take a mutex. Pointers returned by
// Find and List stay valid for the life of the process.

#ifndef TASKFARM_TASKS_REGISTRY_H_
#define TASKFARM_TASKS_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "proto/signature.h"
#include "tasks/task.h"

namespace taskfarm::tasks {

struct TaskDef {
  std::string name;
  proto::Signature signature;
  std::string doc;
  TaskFn fn = nullptr;
};

class TaskRegistry {
 public:
  TaskRegistry() = default;
  TaskRegistry(const TaskRegistry&) = delete;
  TaskRegistry& operator=(const TaskRegistry&) = delete;

  // The process-wide registry, never destroyed.
  static TaskRegistry* Global();

  // Returns kInvalidArgument for a bad name or signature, kAlreadyExists if
  // the name is taken.
  absl::Status Register(absl::string_view name, absl::string_view signature,
                        absl::string_view doc, TaskFn fn);

  // nullptr if there is no such kind.
  const TaskDef* Find(absl::string_view name) const;

  // Every kind, sorted by name.
  std::vector<const TaskDef*> List() const;

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::unique_ptr<TaskDef>> defs_
      ABSL_GUARDED_BY(mutex_);
};

namespace internal {
// Registers into Global(); on error prints it and aborts (a programming
// error in the task library, found at start-up).
bool RegisterOrDie(const char* name, const char* signature, const char* doc,
                   TaskFn fn);
}  // namespace internal

}  // namespace taskfarm::tasks

#define TASKFARM_TASK_CONCAT_INNER(a, b) a##b
#define TASKFARM_TASK_CONCAT(a, b) TASKFARM_TASK_CONCAT_INNER(a, b)

// Registers task kind `name` (an identifier: the name users write) with its
// signature (proto/signature.h), a one-line doc and its function.
#define TASKFARM_TASK(name, signature, doc, fn)                       \
  [[maybe_unused]] static const bool TASKFARM_TASK_CONCAT(            \
      taskfarm_task_registered_, __LINE__) =                          \
      ::taskfarm::tasks::internal::RegisterOrDie(#name, signature, doc, fn)

#endif  // TASKFARM_TASKS_REGISTRY_H_
