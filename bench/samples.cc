#include "bench/samples.h"

#include <stdlib.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "proto/batch.h"
#include "proto/value.h"
#include "tasks/registry.h"

namespace taskfarm::bench {

std::string FibText(int64_t n) {
  uint64_t a = 0, b = 1;
  for (int64_t i = 0; i < n; ++i) {
    uint64_t next = a + b;
    a = b;
    b = next;
  }
  return absl::StrCat(a);
}

std::string FibTaskFrame(uint32_t count, uint64_t first, uint32_t kind) {
  proto::TaskBatchWriter writer;
  proto::Value arg[1];
  for (uint64_t id = first; id < first + count; ++id) {
    arg[0] = FibArg(id);
    writer.Add(id, kind, arg, /*attempt=*/1);
  }
  return std::string(writer.Finish());
}

std::string FibRecordFrame(uint32_t count, uint64_t first, int64_t pid) {
  proto::RecordWriter writer;
  proto::Value arg[1];
  for (uint64_t id = first; id < first + count; ++id) {
    arg[0] = FibArg(id);
    writer.Add(id, "fib", arg, proto::TaskStatus::kOk,
               FibText(FibArg(id)), pid, /*attempts=*/1, /*elapsed_us=*/0);
  }
  return std::string(writer.Finish());
}

std::string FibLines(uint64_t count) {
  std::string text;
  for (uint64_t i = 0; i < count; ++i) absl::StrAppend(&text, "fib ", FibArg(i), "\n");
  return text;
}

std::vector<proto::TaskKind> StandardKinds() {
  std::vector<proto::TaskKind> kinds;
  for (const tasks::TaskDef* def : tasks::TaskRegistry::Global()->List()) {
    kinds.push_back({def->name, def->signature.ToString(), def->doc});
  }
  return kinds;
}

std::string TempFile(absl::string_view name, absl::string_view text) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/tfbenchXXXXXX");
  if (mkdtemp(dir.data()) == nullptr) return "";
  std::string path = absl::StrCat(dir, "/", name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace taskfarm::bench
