#include "tasks/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace taskfarm::tasks {
namespace {

bool ValidName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!absl::ascii_isalpha(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-';
  });
}

}  // namespace

TaskRegistry* TaskRegistry::Global() {
  static TaskRegistry* const registry = new TaskRegistry;
  return registry;
}

absl::Status TaskRegistry::Register(absl::string_view name,
                                    absl::string_view signature,
                                    absl::string_view doc, TaskFn fn) {
  if (!ValidName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("task name \"", name, "\" is not an identifier"));
  }
  absl::StatusOr<proto::Signature> sig = proto::Signature::Parse(signature);
  if (!sig.ok()) return sig.status();
  if (fn == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("task ", name, " has no function"));
  }
  auto def = std::make_unique<TaskDef>();
  def->name = std::string(name);
  def->signature = *std::move(sig);
  def->doc = std::string(doc);
  def->fn = fn;
  absl::MutexLock lock(&mutex_);
  if (!defs_.try_emplace(def->name, std::move(def)).second) {
    return absl::AlreadyExistsError(
        absl::StrCat("task ", name, " is registered twice"));
  }
  return absl::OkStatus();
}

const TaskDef* TaskRegistry::Find(absl::string_view name) const {
  absl::MutexLock lock(&mutex_);
  auto it = defs_.find(name);
  return it == defs_.end() ? nullptr : it->second.get();
}

std::vector<const TaskDef*> TaskRegistry::List() const {
  std::vector<const TaskDef*> out;
  {
    absl::MutexLock lock(&mutex_);
    for (const auto& [name, def] : defs_) out.push_back(def.get());
  }
  std::sort(out.begin(), out.end(), [](const TaskDef* a, const TaskDef* b) {
    return a->name < b->name;
  });
  return out;
}

namespace internal {

bool RegisterOrDie(const char* name, const char* signature, const char* doc,
                   TaskFn fn) {
  absl::Status s = TaskRegistry::Global()->Register(name, signature, doc, fn);
  if (!s.ok()) {
    std::fprintf(stderr, "taskfarm: cannot register task %s: %s\n", name,
                 std::string(s.message()).c_str());
    std::abort();
  }
  return true;
}

}  // namespace internal
}  // namespace taskfarm::tasks
