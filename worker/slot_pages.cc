#include "worker/slot_pages.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"

namespace taskfarm::worker {

absl::StatusOr<SlotPages> SlotPages::Create(int count) {
  const char* tmp = getenv("TMPDIR");
  std::string templ = absl::StrCat(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp",
                                   "/taskfarm-worker.XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot make a directory like ", templ, ": ", strerror(errno)));
  }
  SlotPages pages;
  pages.dir_ = templ;
  for (int slot = 0; slot < count; ++slot) {
    std::string path = absl::StrCat(pages.dir_, "/slot", slot, ".state");
    absl::StatusOr<base::SharedPage> page = base::SharedPage::Map(path, /*create=*/true);
    pages.paths_.push_back(std::move(path));  // removed by the destructor
    if (!page.ok()) return page.status();
    pages.pages_.push_back(*std::move(page));
    pages.Reset(slot);
  }
  return pages;
}

SlotPages::SlotPages(SlotPages&& other) noexcept
    : dir_(std::exchange(other.dir_, "")),
      paths_(std::exchange(other.paths_, {})),
      pages_(std::exchange(other.pages_, {})) {}

SlotPages::~SlotPages() {
  pages_.clear();
  for (const std::string& path : paths_) unlink(path.c_str());
  if (!dir_.empty()) rmdir(dir_.c_str());
}

const proto::RunState& SlotPages::state(int slot) const {
  return *static_cast<const proto::RunState*>(pages_[slot].data());
}

bool SlotPages::RunningTask(int slot) const {
  return state(slot).running.load(std::memory_order_acquire) != 0;
}

bool SlotPages::BegunTask(int slot) const {
  return state(slot).batch_id.load(std::memory_order_acquire) != 0;
}

void SlotPages::Reset(int slot) { new (pages_[slot].data()) proto::RunState; }

}  // namespace taskfarm::worker
