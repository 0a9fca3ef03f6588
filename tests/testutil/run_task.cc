#include "tests/testutil/run_task.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
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

void ExpectResults(absl::string_view kind, const std::vector<TaskCase>& cases) {
  for (const TaskCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(kind, " ", absl::StrJoin(c.args, " ")));
    absl::StatusOr<std::string> r = RunTask(kind, c.args);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, c.want);
  }
}

void ExpectError(absl::string_view kind, const std::vector<std::string>& args,
                 absl::StatusCode code, absl::string_view message) {
  SCOPED_TRACE(absl::StrCat(kind, " ", absl::StrJoin(args, " ")));
  absl::StatusOr<std::string> r = RunTask(kind, args);
  ASSERT_FALSE(r.ok()) << "succeeded with " << *r;
  EXPECT_EQ(r.status().code(), code) << r.status();
  EXPECT_EQ(r.status().message(), message);
}

void ExpectReproducible(absl::string_view kind,
                        const std::vector<std::string>& args,
                        const std::vector<std::string>& other_args) {
  SCOPED_TRACE(absl::StrCat(kind, " ", absl::StrJoin(args, " ")));
  absl::StatusOr<std::string> first = RunTask(kind, args);
  absl::StatusOr<std::string> second = RunTask(kind, args);
  absl::StatusOr<std::string> other = RunTask(kind, other_args);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(*first, *second);
  EXPECT_NE(*first, *other) << "on " << absl::StrJoin(other_args, " ");
}

}  // namespace taskfarm::testutil
