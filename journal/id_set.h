// File: journal/id_set.h
//
// IdSet is a set of task ids. Task ids are dense (0-based in input order),
// so most ids live in a bitmap: one bit per id, a batch of 100 million
// tasks costs 12.5 MB, and Add/Contains are O(1). But an id comes from a
// frame or a file, and a bad one (2^63) must not make the set allocate by
// its value: the bitmap only grows to cover ids while it stays within 64
// bits per id held (the cost of a hash entry); ids beyond it go to a hash
// set, and move into the bitmap when it has grown past them. Memory is
// O(ids held), whatever their values.
//
// Example:
//   IdSet done;
//   done.Add(17);
//   if (done.Contains(17)) ...
//
// Thread-compatible.

#ifndef TASKFARM_JOURNAL_ID_SET_H_
#define TASKFARM_JOURNAL_ID_SET_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace taskfarm::journal {

class IdSet {
 public:
  // Adds `id`; returns false if it was already there.
  bool Add(uint64_t id) {
    const uint64_t word = id >> 6;
    if (word < words_.size()) {
      const uint64_t bit = uint64_t{1} << (id & 63);
      if (words_[word] & bit) return false;
      words_[word] |= bit;
      ++size_;
      return true;
    }
    return AddBeyondBitmap(id);
  }

  bool Contains(uint64_t id) const {
    const uint64_t word = id >> 6;
    if (word < words_.size()) return (words_[word] >> (id & 63) & 1) != 0;
    return !sparse_.empty() && sparse_.contains(id);
  }

  uint64_t size() const { return size_; }

  // Calls f(id) for every id, the bitmap's in increasing order first, then
  // the others in no particular order.
  template <typename F>
  void ForEach(F f) const {
    for (uint64_t w = 0; w < words_.size(); ++w) {
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
        f(w * 64 + static_cast<uint64_t>(__builtin_ctzll(bits)));
      }
    }
    for (uint64_t id : sparse_) f(id);
  }

  // The set whose bitmap is `words` (bit i of word w is id 64 * w + i).
  static IdSet FromWords(std::vector<uint64_t> words);

  // Bytes held (bitmap and hash set), for tests of the memory bound.
  uint64_t bytes() const;

 private:
  bool AddBeyondBitmap(uint64_t id);

  std::vector<uint64_t> words_;         // the bitmap of ids below 64 * size
  absl::flat_hash_set<uint64_t> sparse_;  // ids beyond the bitmap
  uint64_t size_ = 0;
};

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_ID_SET_H_
