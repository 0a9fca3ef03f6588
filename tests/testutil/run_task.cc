#include "tests/testutil/run_task.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/signature.h"
#include "proto/value.h"
#include "tasks/registry.h"

namespace taskfarm::testutil {

absl::StatusOr<std::string> RunTask(absl::string_view kind,
                                    const std::vector<std::string>& args,
                                    const CallContext& context) {
  const tasks::TaskDef* def = tasks::TaskRegistry::Global()->Find(kind);
  if (def == nullptr) {
    return absl::NotFoundError(absl::StrCat("no task kind \"", kind, "\""));
  }
  if (!def->signature.AcceptsCount(args.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        kind, " expects ", def->signature.Describe(), ", got ", args.size()));
  }
  std::vector<proto::Value> values;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::StatusOr<proto::Value> v =
        proto::ParseArg(def->signature.TypeAt(i), args[i]);
    if (!v.ok()) return v.status();
    values.push_back(*std::move(v));
  }
  tasks::Call call(values, context.id, context.attempt, &context.env);
  std::string result;
  absl::Status status = def->fn(call, &result);
  if (!status.ok()) return status;
  return result;
}

}  // namespace taskfarm::testutil
