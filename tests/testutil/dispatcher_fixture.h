// File: tests/testutil/dispatcher_fixture.h
//
// DispatcherFixture is the GoogleTest fixture of the master::Dispatcher unit
// tests: a DispatcherHarness with helpers to add measured workers, send to
// an expected worker, and run every remaining task to the end.
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_DISPATCHER_FIXTURE_H_
#define TASKFARM_TESTS_TESTUTIL_DISPATCHER_FIXTURE_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "master/dispatcher.h"
#include "tests/testutil/dispatcher_harness.h"

namespace taskfarm::testutil {

inline constexpr auto kTarget =
    std::chrono::milliseconds(2);  // target_batch_time

inline int64_t Pid(master::WorkerId w) {
  return static_cast<int64_t>(1000 + w);
}

// The first `n` elements of `v` (all of them if it is shorter).
template <typename T>
std::vector<T> Prefix(const std::vector<T>& v, size_t n) {
  return std::vector<T>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(
                                                   std::min(n, v.size())));
}

class DispatcherFixture : public testing::Test {
 protected:
  DispatcherFixture() { Use({}); }

  // Starts over with `options` and `fresh` tasks in the feed.
  void Use(master::Dispatcher::Options options, uint64_t fresh = UINT64_MAX) {
    options.target_batch_time = kTarget;
    h_.emplace(options, fresh);
  }
  DispatcherHarness& h() { return *h_; }
  master::Dispatcher& d() { return h_->dispatcher(); }

  void Add(master::WorkerId w) { d().AddWorker(w, Pid(w)); }

  // Adds workers 1..n and measures each with one single-task batch, so that
  // their next batches hold `size` tasks. They end idle, in order 1..n.
  void AddMeasuredWorkers(master::WorkerId n, uint32_t size) {
    for (master::WorkerId w = 1; w <= n; ++w) Add(w);
    for (master::WorkerId w = 1; w <= n; ++w) {
      std::optional<SentBatch> b = h().Send();
      ASSERT_TRUE(b.has_value());
      ASSERT_EQ(b->worker, w);
      ASSERT_TRUE(h().Report(*b, 0, 1, 2000 / size));
    }
  }

  std::optional<SentBatch> SendExpecting(master::WorkerId w) {
    std::optional<SentBatch> b = h().Send();
    EXPECT_TRUE(b.has_value());
    if (b) {
      EXPECT_EQ(b->worker, w);
    }
    return b;
  }

  // Sends and completes batches until nothing is left (the feed must be
  // finite). Returns every attempt number each task id was sent with, and
  // fails the test if a batch holding several tasks was isolated.
  std::map<uint64_t, std::vector<uint32_t>> RunToEnd(
      std::vector<SentBatch>* sent = nullptr) {
    std::map<uint64_t, std::vector<uint32_t>> attempts;
    for (int round = 0; round < 10000 && (!d().Idle() || h().fresh_available());
         ++round) {
      std::vector<SentBatch> batches = h().SendAll();
      if (batches.empty()) break;
      for (const SentBatch& b : batches) {
        EXPECT_TRUE(!b.isolated || b.size() == 1);
        for (uint32_t i = 0; i < b.size(); ++i) {
          attempts[b.ids[i]].push_back(b.attempts[i]);
        }
        EXPECT_TRUE(h().Report(b, 0, b.size()));
        if (sent != nullptr) sent->push_back(b);
      }
    }
    EXPECT_TRUE(d().Idle());
    return attempts;
  }

  std::optional<DispatcherHarness> h_;
};

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_DISPATCHER_FIXTURE_H_
