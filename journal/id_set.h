// File: journal/id_set.h
//
// IdSet is a set of task ids as a growable bitmap: one bit per id, so a
// batch of 100 million tasks costs 12.5 MB, and Add/Contains are O(1).
// Task ids are dense (0-based in input order), which is what makes this the
// right structure.
//
// Thread-compatible.

#ifndef TASKFARM_JOURNAL_ID_SET_H_
#define TASKFARM_JOURNAL_ID_SET_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace taskfarm::journal {

class IdSet {
 public:
  // Adds `id`; returns false if it was already there.
  bool Add(uint64_t id) {
    size_t word = static_cast<size_t>(id >> 6);
    if (word >= words_.size()) words_.resize(std::max(word + 1, words_.size() * 2));
    uint64_t bit = uint64_t{1} << (id & 63);
    if (words_[word] & bit) return false;
    words_[word] |= bit;
    ++size_;
    return true;
  }

  bool Contains(uint64_t id) const {
    size_t word = static_cast<size_t>(id >> 6);
    return word < words_.size() && (words_[word] >> (id & 63) & 1) != 0;
  }

  uint64_t size() const { return size_; }

 private:
  std::vector<uint64_t> words_;
  uint64_t size_ = 0;
};

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_ID_SET_H_
