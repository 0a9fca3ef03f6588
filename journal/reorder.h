// File: journal/reorder.h
//
// ReorderBuffer puts records that arrive in completion order back into task
// id order (--keep-order): an item is released once every lower id has
// been released or is known done already (passed in `done`, e.g. the ids a
// resumed output holds). The master bounds how far ahead of the lowest
// unfinished id it hands out tasks, and that bounds this buffer.
//
// Example:
//   ReorderBuffer<std::string> buffer;
//   buffer.Add(1, "b");  buffer.Add(0, "a");
//   buffer.Release(done, [](uint64_t id, std::string& s) { write(s); });
//
// Thread-compatible.

#ifndef TASKFARM_JOURNAL_REORDER_H_
#define TASKFARM_JOURNAL_REORDER_H_

#include <cstdint>
#include <map>
#include <utility>

#include "journal/id_set.h"

namespace taskfarm::journal {

template <typename T>
class ReorderBuffer {
 public:
  // Holds `item` for `id`. Returns false (and drops it) if `id` was
  // released before or is already held.
  bool Add(uint64_t id, T item) {
    if (id < next_) return false;
    return held_.emplace(id, std::move(item)).second;
  }

  // Releases, in id order, every held item whose lower ids are all
  // released or in `done`; calls emit(id, item&) for each.
  template <typename F>
  void Release(const IdSet& done, F emit) {
    for (;;) {
      auto it = held_.begin();
      if (it != held_.end() && it->first == next_) {
        emit(it->first, it->second);
        held_.erase(it);
        ++next_;
      } else if (done.Contains(next_) && (it == held_.end() || it->first > next_)) {
        ++next_;
      } else {
        return;
      }
    }
  }

  // Releases everything held, in id order, gaps or not (the batch ended
  // early: some ids will never come).
  template <typename F>
  void ReleaseAll(F emit) {
    for (auto& [id, item] : held_) emit(id, item);
    if (!held_.empty()) next_ = held_.rbegin()->first + 1;
    held_.clear();
  }

  size_t size() const { return held_.size(); }
  bool empty() const { return held_.empty(); }
  // The lowest id not yet released.
  uint64_t next() const { return next_; }
  // Visits held items (in id order).
  template <typename F>
  void ForEach(F f) const {
    for (const auto& [id, item] : held_) f(id, item);
  }

 private:
  uint64_t next_ = 0;
  std::map<uint64_t, T> held_;
};

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_REORDER_H_
