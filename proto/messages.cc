#include "proto/messages.h"

namespace taskfarm::proto {

const char* TaskStatusName(TaskStatus status) {
  switch (status) {
    case TaskStatus::kOk:
      return "ok";
    case TaskStatus::kError:
      return "error";
    case TaskStatus::kCrashed:
      return "crashed";
    case TaskStatus::kTimeout:
      return "timeout";
    case TaskStatus::kOom:
      return "oom";
  }
  return "unknown";
}

}  // namespace taskfarm::proto
