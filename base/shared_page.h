// File: base/shared_page.h
//
// SharedPage maps one small file into memory with MAP_SHARED, so that two
// processes on one machine see each other's writes to it without any system
// call: the master and each of its local workers share one, in which the
// worker publishes the task it is running (proto/progress.h). When the
// worker dies, the master reads there which task killed it.
//
// Move-only. Concurrent access to the bytes is the user's business (use
// lock-free std::atomic members, which are address-free).

#ifndef TASKFARM_BASE_SHARED_PAGE_H_
#define TASKFARM_BASE_SHARED_PAGE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace taskfarm::base {

class SharedPage {
 public:
  // Maps `path`, creating it (zero-filled, mode 0600) if `create`. Returns
  // kUnavailable with the reason if it cannot.
  static absl::StatusOr<SharedPage> Map(const std::string& path, bool create,
                                        size_t size = 4096);
  // A zero-filled page backed by no file, shared only with children forked
  // (not exec'ed) after it: for tests and simulations of the master.
  // Returns kUnavailable if it cannot be mapped.
  static absl::StatusOr<SharedPage> Anonymous(size_t size = 4096);

  SharedPage(SharedPage&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
  }
  SharedPage& operator=(SharedPage&& other) noexcept;
  SharedPage(const SharedPage&) = delete;
  ~SharedPage();

  void* data() const { return data_; }

 private:
  SharedPage(void* data, size_t size) : data_(data), size_(size) {}
  void* data_;
  size_t size_;
};

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_SHARED_PAGE_H_
