#include "master/input/kind_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

// Optimal string alignment distance: edits, counting a swap of two
// neighbouring letters ("fbi" for "fib") as one.
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
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
