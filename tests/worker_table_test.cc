// Unit tests of master::WorkerTable's liveness bookkeeping: Expired and
// NextExpiry, which look at every worker only once the earliest expiry
// has passed, must still find a worker the moment it is overdue.

#include "master/worker_table.h"

#include <chrono>

#include "gtest/gtest.h"
#include "proto/contract.h"
#include "proto/messages.h"

namespace taskfarm::master {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr base::Duration kLiveness = seconds(3);

proto::Hello HelloFrom(const char* worker_id) {
  proto::Hello h;
  h.worker_id = worker_id;
  h.pid = 1;
  h.host = "h";
  h.cores = 1;
  return h;
}

TEST(WorkerTable, NothingExpiresBeforeItsTime) {
  WorkerTable table(kLiveness);
  const base::Instant t0{seconds(100)};
  WorkerEntry& w = table.Add(1, HelloFrom("a"), std::nullopt, t0);
  EXPECT_EQ(table.NextExpiry(), w.expiry);
  EXPECT_TRUE(table.Expired(w.expiry - milliseconds(1)).empty());
  ASSERT_EQ(table.Expired(w.expiry).size(), 1u);
  EXPECT_EQ(table.Expired(w.expiry)[0], w.id);
}

TEST(WorkerTable, FirstHeartbeatBringsExpiryIn) {
  WorkerTable table(kLiveness);
  const base::Instant t0{seconds(100)};
  WorkerEntry& w = table.Add(1, HelloFrom("a"), std::nullopt, t0);
  // Until its first heartbeat a worker has kFirstHeartbeatWithin more.
  EXPECT_EQ(w.expiry, t0 + kLiveness + proto::kFirstHeartbeatWithin);
  // Its first heartbeat comes at once; the next message is its last.
  table.Touch(w, t0);
  w.last_heartbeat_at = t0;
  table.Touch(w, t0 + milliseconds(1));
  const base::Instant due = t0 + milliseconds(1) + kLiveness;
  EXPECT_EQ(w.expiry, due);
  EXPECT_LE(table.NextExpiry(), due);
  ASSERT_EQ(table.Expired(due).size(), 1u);
}

TEST(WorkerTable, ExpiredRescansAfterTheEarliestPasses) {
  WorkerTable table(kLiveness);
  const base::Instant t0{seconds(100)};
  WorkerEntry& a = table.Add(1, HelloFrom("a"), std::nullopt, t0);
  WorkerEntry& b = table.Add(1, HelloFrom("b"), std::nullopt, t0 + seconds(1));
  const WorkerId b_id = b.id;
  // `a` keeps talking; `b` falls silent.
  const base::Instant t1 = a.expiry - milliseconds(1);
  table.Touch(a, t1);
  EXPECT_TRUE(table.Expired(t1).empty());
  const base::Instant b_due = b.expiry;
  ASSERT_EQ(table.Expired(b_due).size(), 1u);
  // Until the caller removes it, it is found again.
  ASSERT_EQ(table.Expired(b_due).size(), 1u);
  EXPECT_EQ(table.Expired(b_due)[0], b_id);
  table.Remove(b_id);
  EXPECT_TRUE(table.Expired(b_due).empty());
  EXPECT_GT(table.NextExpiry(), b_due);
  EXPECT_EQ(table.Expired(a.expiry).size(), 1u);
}

}  // namespace
}  // namespace taskfarm::master
