// File: master/input/kind_table.h
//
// KindTable is what the master knows of task kinds: their names, signatures
// and docs, learnt from a worker's hello (the master links no task code).
// A kind's index is its position in the hello, which is how tasks name
// their kind on the wire.
//
// Thread-compatible; immutable after From().

#ifndef TASKFARM_MASTER_INPUT_KIND_TABLE_H_
#define TASKFARM_MASTER_INPUT_KIND_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/messages.h"
#include "proto/signature.h"

namespace taskfarm::master {

struct Kind {
  std::string name;
  proto::Signature signature;
  std::string doc;
};

class KindTable {
 public:
  // Returns kInvalidArgument if a kind's signature does not parse or a name
  // repeats.
  static absl::StatusOr<KindTable> From(const std::vector<proto::TaskKind>& kinds);

  // The index of kind `name`, if there is one.
  std::optional<uint32_t> Find(absl::string_view name) const;
  const Kind& at(uint32_t index) const { return kinds_[index]; }
  size_t size() const { return kinds_.size(); }
  const std::vector<Kind>& kinds() const { return kinds_; }

  // The names closest to `name`, for "did you mean" (may be empty).
  std::string Suggest(absl::string_view name) const;

 private:
  std::vector<Kind> kinds_;
  absl::flat_hash_map<std::string, uint32_t> index_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_KIND_TABLE_H_
