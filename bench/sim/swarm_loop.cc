#include "bench/sim/swarm_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <queue>
#include <utility>

#include "absl/strings/str_cat.h"

namespace taskfarm::bench {
namespace {

using Entry = std::pair<base::Instant, size_t>;  // due, worker
constexpr int kMaxEvents = 256;
constexpr std::chrono::milliseconds kMaxWait{100};

}  // namespace

SwarmLoop::SwarmLoop(const SimSettings& settings, SwarmCounters* counters,
                     SwarmShared* shared, int first, int count, double join_rate)
    : settings_(settings),
      counters_(counters),
      shared_(shared),
      first_(first),
      count_(count),
      join_rate_(join_rate),
      context_(1) {
  // Two sockets a worker, and libzmq's default cap is 1,023 a context.
  context_.set(zmq::ctxopt::max_sockets, 2 * count + 64);
}

SwarmLoop::~SwarmLoop() {
  workers_.clear();  // sockets before the context
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void SwarmLoop::Drain(size_t i, base::Instant now) {
  workers_[i]->OnTaskSocket(now);
  workers_[i]->OnHeartbeatSocket(now);
}

absl::Status SwarmLoop::Run(const volatile std::sig_atomic_t* stop) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return absl::InternalError(absl::StrCat("epoll: ", strerror(errno)));
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> timers;
  auto reschedule = [&](size_t i) {
    const base::Instant due = workers_[i]->NextDue();
    if (due != scheduled_[i]) {
      scheduled_[i] = due;
      if (due != base::Instant::max()) timers.emplace(due, i);
    }
  };
  const base::Instant start = base::Now();
  auto join_time = [&](size_t i) {
    return start + std::chrono::duration_cast<base::Duration>(
                       std::chrono::duration<double>(static_cast<double>(i) / join_rate_));
  };
  epoll_event events[kMaxEvents];
  size_t finished = 0;
  while (*stop == 0) {
    base::Instant now = base::Now();
    // Join the workers whose turn it is.
    while (workers_.size() < static_cast<size_t>(count_) &&
           join_time(workers_.size()) <= now) {
      const size_t i = workers_.size();
      workers_.push_back(std::make_unique<SimWorker>(
          context_, settings_, first_ + static_cast<int>(i), counters_, shared_));
      scheduled_.push_back(base::Instant::max());
      if (absl::Status s = workers_[i]->Start(now); !s.ok()) return s;
      for (int which : {0, 1}) {
        epoll_event e{};
        e.events = EPOLLIN;
        e.data.u64 = (i << 1) | static_cast<uint64_t>(which);
        const int fd = which == 0 ? workers_[i]->task_fd() : workers_[i]->heartbeat_fd();
        if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &e) != 0) {
          return absl::InternalError(absl::StrCat("epoll_ctl: ", strerror(errno)));
        }
      }
      Drain(i, now);
      reschedule(i);
    }
    if (workers_.size() == static_cast<size_t>(count_)) {
      finished = static_cast<size_t>(std::count_if(
          workers_.begin(), workers_.end(), [](const auto& w) { return w->finished(); }));
      if (finished == workers_.size()) break;
    }
    base::Instant wake = now + kMaxWait;
    if (!timers.empty()) wake = std::min(wake, timers.top().first);
    if (workers_.size() < static_cast<size_t>(count_)) {
      wake = std::min(wake, join_time(workers_.size()));
    }
    const int n = epoll_wait(epoll_fd_, events, kMaxEvents,
                             base::MillisUntil(wake, now, static_cast<int>(kMaxWait.count())));
    if (n < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("epoll_wait: ", strerror(errno)));
    }
    now = base::Now();
    for (int k = 0; k < n; ++k) {
      const size_t i = static_cast<size_t>(events[k].data.u64 >> 1);
      if ((events[k].data.u64 & 1) == 0) {
        workers_[i]->OnTaskSocket(now);
      } else {
        workers_[i]->OnHeartbeatSocket(now);
      }
      reschedule(i);
    }
    now = base::Now();
    while (!timers.empty() && timers.top().first <= now) {
      const auto [due, i] = timers.top();
      timers.pop();
      if (due != scheduled_[i]) continue;  // superseded
      scheduled_[i] = base::Instant::max();
      workers_[i]->OnTimer(now);
      Drain(i, now);  // a send may have taken the socket's signal
      reschedule(i);
    }
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::bench
