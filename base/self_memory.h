// File: base/self_memory.h
//
// SelfMemory: how much memory this process maps and holds, from
// /proc/self/statm. The worker reports its resident size in heartbeats and
// caps its address space at what it maps plus --max-memory.
//
// Example:
//   absl::StatusOr<base::MemoryUsage> m = base::SelfMemory();
//   uint64_t rss_kb = m.ok() ? m->resident_bytes / 1024 : 0;
//
// Thread-safe.

#ifndef TASKFARM_BASE_SELF_MEMORY_H_
#define TASKFARM_BASE_SELF_MEMORY_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace taskfarm::base {

struct MemoryUsage {
  uint64_t virtual_bytes = 0;   // address space mapped (statm "size")
  uint64_t resident_bytes = 0;  // in RAM now (statm "resident")
};

// This process's memory now. Returns errno's code if /proc/self/statm
// cannot be read, kInvalidArgument if it does not hold two numbers.
absl::StatusOr<MemoryUsage> SelfMemory();

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_SELF_MEMORY_H_
