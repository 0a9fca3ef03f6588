// Tests of the standard library as a whole: every kind is registered with
// the signature its documentation promises and a one-line doc, which is what
// `master --list-tasks` prints.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tasks/registry.h"

namespace taskfarm::tasks {
namespace {

TEST(TaskLibrary, RegistersEveryKindWithItsSignature) {
  struct Kind {
    std::string name, signature;
  };
  const std::vector<Kind> kinds = {
      {"collatz", "str"},
      {"exec", "str str..."},
      {"factor", "uint"},
      {"fib", "int"},
      {"fibmod", "uint uint"},
      {"mandelbrot", "uint uint uint uint"},
      {"matmul", "uint uint"},
      {"pi", "uint uint"},
      {"primes", "uint"},
      {"sha256", "str"},
      {"sha256file", "str"},
  };
  for (const Kind& kind : kinds) {
    SCOPED_TRACE(kind.name);
    const TaskDef* def = TaskRegistry::Global()->Find(kind.name);
    ASSERT_NE(def, nullptr);
    EXPECT_EQ(def->signature.ToString(), kind.signature);
  }
}

TEST(TaskLibrary, EveryDocIsOneShortLine) {
  for (const TaskDef* def : TaskRegistry::Global()->List()) {
    SCOPED_TRACE(def->name);
    EXPECT_FALSE(def->doc.empty());
    EXPECT_FALSE(absl::StrContains(def->doc, '\n'));
    EXPECT_LE(def->doc.size(), 100u) << def->doc;
  }
}

}  // namespace
}  // namespace taskfarm::tasks
