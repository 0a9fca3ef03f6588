// Tests of what `worker --procs` makes of a child's exit (JudgeExit), and of
// the pages it shares with its children (SlotPages).

#include "worker/procs.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "tests/testutil/files.h"
#include "worker/heartbeat.h"
#include "worker/slot_pages.h"
#include "worker/worker.h"

namespace taskfarm::worker {
namespace {

using supervise::ExitStatus;

TEST(JudgeExit, EveryExitCodeAndSignal) {
  struct Case {
    ExitStatus status;
    bool spawn_failed, running_task;
    ExitVerdict want;
  };
  const Case cases[] = {
      {{false, kExitOk}, false, false, ExitVerdict::kFinished},
      {{false, kExitUsage}, false, false, ExitVerdict::kFinished},
      {{false, kExitMasterLost}, false, false, ExitVerdict::kFinished},
      {{false, kExitRefused}, false, false, ExitVerdict::kFinished},
      {{false, kExitRecycled}, false, false, ExitVerdict::kRecycled},
      {{false, kExitTaskException}, false, false, ExitVerdict::kTaskDied},
      {{false, kExitOutOfMemory}, false, false, ExitVerdict::kTaskDied},
      {{false, kExitTimeout}, false, true, ExitVerdict::kTaskDied},
      // Killed in a task: the task's strike. Killed idle, or an exit code
      // that means nothing: it cannot stay up.
      {{true, SIGSEGV}, false, true, ExitVerdict::kTaskDied},
      {{true, SIGKILL}, false, true, ExitVerdict::kTaskDied},
      {{true, SIGSEGV}, false, false, ExitVerdict::kCrashed},
      {{false, 1}, false, false, ExitVerdict::kCrashed},
      {{false, 1}, false, true, ExitVerdict::kTaskDied},
      // Could not be started at all.
      {{false, 127}, true, false, ExitVerdict::kCrashed},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.status.ToString() + (c.running_task ? " in a task" : "") +
                 (c.spawn_failed ? " spawn failed" : ""));
    EXPECT_EQ(JudgeExit(c.status, c.spawn_failed, c.running_task), c.want);
  }
}

TEST(SlotPages, PrivatePagesThatSayWhatTheChildDoes) {
  std::string dir;
  {
    absl::StatusOr<SlotPages> pages = SlotPages::Create(2);
    ASSERT_TRUE(pages.ok()) << pages.status();
    dir = pages->path(0).substr(0, pages->path(0).rfind('/'));
    struct stat st;
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_NE(pages->path(0), pages->path(1));
    EXPECT_FALSE(pages->RunningTask(0));
    EXPECT_FALSE(pages->BegunTask(0));
    // What a child writes through its own mapping of the file.
    absl::StatusOr<base::SharedPage> child =
        base::SharedPage::Map(pages->path(1), /*create=*/false);
    ASSERT_TRUE(child.ok()) << child.status();
    auto* state = static_cast<proto::RunState*>(child->data());
    state->Begin(7, 3, 1);
    EXPECT_TRUE(pages->RunningTask(1));
    EXPECT_TRUE(pages->BegunTask(1));
    state->End();
    EXPECT_FALSE(pages->RunningTask(1));
    EXPECT_TRUE(pages->BegunTask(1));
    EXPECT_FALSE(pages->BegunTask(0));
    pages->Reset(1);
    EXPECT_FALSE(pages->BegunTask(1));
  }
  EXPECT_FALSE(testutil::FileExists(dir)) << "left behind: " << dir;
}

}  // namespace
}  // namespace taskfarm::worker
