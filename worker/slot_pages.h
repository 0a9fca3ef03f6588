// File: worker/slot_pages.h
//
// SlotPages gives each child of `worker --procs` a page shared with it
// (base/shared_page.h, laid out as proto::RunState), in a private directory
// (mode 0700) that it removes when destroyed. The child publishes there the
// task it runs, as a local master's workers do, so that the host supervisor
// can tell, without any message:
//   - whether a child that died was running a task (that task's strike, the
//     master's business) or not (it could not start or stay up: a crash
//     loop's stuff);
//   - whether a child has started a task since it started (it is up and
//     working: the deaths before it were no crash loop).
//
// Example:
//   absl::StatusOr<SlotPages> pages = SlotPages::Create(procs);
//   argv.push_back("--state_file=" + pages->path(slot));
//   ... when the child dies: pages->state(slot).running, then Reset(slot)
//
// Use from one thread (the children write their pages concurrently, with
// atomics).

#ifndef TASKFARM_WORKER_SLOT_PAGES_H_
#define TASKFARM_WORKER_SLOT_PAGES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/shared_page.h"
#include "proto/run_state.h"

namespace taskfarm::worker {

class SlotPages {
 public:
  // `count` zeroed pages in a new directory under $TMPDIR (else /tmp).
  // Returns kUnavailable, naming the path, if it cannot make them.
  static absl::StatusOr<SlotPages> Create(int count);

  SlotPages(SlotPages&& other) noexcept;
  SlotPages& operator=(SlotPages&&) = delete;
  SlotPages(const SlotPages&) = delete;
  ~SlotPages();  // unmaps, then removes the files and the directory

  // The file the child of `slot` maps (its --state_file).
  const std::string& path(int slot) const { return paths_[slot]; }

  // What the current (or last) child of `slot` published.
  const proto::RunState& state(int slot) const;

  // Whether the child of `slot` was running a task, as its page says.
  bool RunningTask(int slot) const;
  // Whether it has begun a task since the page was last Reset.
  bool BegunTask(int slot) const;

  // Forgets what the last child of `slot` published, before its
  // replacement starts.
  void Reset(int slot);

 private:
  SlotPages() = default;

  std::string dir_;
  std::vector<std::string> paths_;
  std::vector<base::SharedPage> pages_;
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_SLOT_PAGES_H_
