#include "master/input/kind_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

absl::StatusOr<KindTable> KindTable::From(
    const std::vector<proto::TaskKind>& kinds) {
  KindTable table;
  for (const proto::TaskKind& k : kinds) {
    absl::StatusOr<proto::Signature> sig = proto::Signature::Parse(k.signature);
    if (!sig.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("task kind ", k.name, ": ", sig.status().message()));
    }
    uint32_t index = static_cast<uint32_t>(table.kinds_.size());
    if (!table.index_.try_emplace(k.name, index).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("task kind ", k.name, " is listed twice"));
    }
    table.kinds_.push_back({k.name, *std::move(sig), k.doc});
  }
  return table;
}

std::optional<uint32_t> KindTable::Find(absl::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::string KindTable::Suggest(absl::string_view name) const {
  std::string best;
  size_t best_distance = 3;  // suggest only close names
  for (const Kind& k : kinds_) {
    size_t d = EditDistance(name, k.name);
    if (d < best_distance) {
      best_distance = d;
      best = k.name;
    }
  }
  return best;
}

}  // namespace taskfarm::master
