#include "journal/id_set.h"

#include <algorithm>
#include <utility>

namespace taskfarm::journal {
namespace {

// The bitmap may always cover this many ids (128 KiB), dense or not.
constexpr uint64_t kFreeWords = uint64_t{1} << 14;

}  // namespace

bool IdSet::AddBeyondBitmap(uint64_t id) {
  if (sparse_.contains(id)) return false;
  ++size_;
  const uint64_t word = id >> 6;
  // The bitmap may hold one word (64 bits) per id held: the memory of the
  // set stays proportional to its ids, not to their values.
  const uint64_t allowed = std::max(kFreeWords, size_);
  if (word >= allowed) {
    sparse_.insert(id);
    return true;
  }
  const uint64_t grown = std::min(
      allowed, std::max<uint64_t>(word + 1, 2 * words_.size()));
  words_.resize(static_cast<size_t>(grown));
  words_[word] |= uint64_t{1} << (id & 63);
  // Ids held aside that the bitmap now covers move into it.
  for (auto it = sparse_.begin(); it != sparse_.end();) {
    const uint64_t w = *it >> 6;
    if (w < words_.size()) {
      words_[w] |= uint64_t{1} << (*it & 63);
      sparse_.erase(it++);
    } else {
      ++it;
    }
  }
  return true;
}

IdSet IdSet::FromWords(std::vector<uint64_t> words) {
  IdSet set;
  for (uint64_t w : words) set.size_ += static_cast<uint64_t>(__builtin_popcountll(w));
  set.words_ = std::move(words);
  return set;
}

uint64_t IdSet::bytes() const {
  return words_.capacity() * sizeof(uint64_t) +
         sparse_.capacity() * (sizeof(uint64_t) + 1);
}

}  // namespace taskfarm::journal
