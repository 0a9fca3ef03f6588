// Unit tests of master::WorkerHistory, what the dashboard shows of workers
// without a local slot: one entry per process (host, pid) across the
// identities it joined under, its losses and rejoins, and a bound on the
// processes that went.

#include "master/worker_history.h"

#include <vector>

#include "gtest/gtest.h"

namespace taskfarm::master {
namespace {

WorkerEntry Remote(WorkerId id, int64_t pid, uint64_t tasks_done = 0) {
  WorkerEntry w;
  w.id = id;
  w.port = 1;
  w.host = "node2";
  w.pid = pid;
  w.tasks_done = tasks_done;
  return w;
}

std::vector<WorkerHistory::Process> All(const WorkerHistory& h) {
  std::vector<WorkerHistory::Process> out;
  h.ForEach([&](const WorkerHistory::Process& p) { out.push_back(p); });
  return out;
}

TEST(WorkerHistory, AProcessThatRejoinsKeepsOneEntryWithItsTasksAndLosses) {
  WorkerHistory h;
  h.Joined(Remote(1, 4101));
  h.Lost(Remote(1, 4101));
  h.Gone(Remote(1, 4101, /*tasks_done=*/7));
  std::vector<WorkerHistory::Process> p = All(h);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].remote);
  EXPECT_EQ(p[0].lost, 1u);
  EXPECT_TRUE(p[0].went_lost);
  EXPECT_FALSE(p[0].current.has_value());
  EXPECT_EQ(p[0].tasks_before, 7u);

  h.Joined(Remote(2, 4101));  // the same process, a new identity
  p = All(h);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].rejoined, 1u);
  EXPECT_EQ(p[0].current, WorkerId{2});
  EXPECT_FALSE(p[0].went_lost);
  EXPECT_EQ(p[0].tasks_before, 7u);
}

TEST(WorkerHistory, AnOldIdentityCannotTouchTheNewOne) {
  WorkerHistory h;
  h.Joined(Remote(1, 4101));
  h.Joined(Remote(2, 4101));  // rejoined before the old one was removed
  h.Lost(Remote(1, 4101));
  h.Gone(Remote(1, 4101, 5));
  std::vector<WorkerHistory::Process> p = All(h);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].lost, 0u);
  EXPECT_EQ(p[0].current, WorkerId{2});
  EXPECT_EQ(p[0].tasks_before, 0u);
}

TEST(WorkerHistory, KeepsEveryConnectedProcessAndABoundedNumberThatWent) {
  WorkerHistory h;
  const int64_t went = WorkerHistory::kMaxGone + 10;
  for (int64_t pid = 1; pid <= went; ++pid) {
    h.Joined(Remote(static_cast<WorkerId>(pid), pid));
    h.Gone(Remote(static_cast<WorkerId>(pid), pid));
  }
  h.Joined(Remote(99999, 99999));  // connected now
  EXPECT_EQ(h.size(), WorkerHistory::kMaxGone + 1);
  bool newest_kept = false, oldest_kept = false;
  h.ForEach([&](const WorkerHistory::Process& p) {
    newest_kept |= p.pid == went;
    oldest_kept |= p.pid == 1;
  });
  EXPECT_TRUE(newest_kept);
  EXPECT_FALSE(oldest_kept);
}

}  // namespace
}  // namespace taskfarm::master
