#include "worker/runner.h"

#include <exception>
#include <new>

#include "absl/strings/str_cat.h"
#include "base/clock.h"

namespace taskfarm::worker {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             base::Now().time_since_epoch())
      .count();
}

}  // namespace

Runner::Runner(std::vector<const tasks::TaskDef*> kinds, int64_t pid,
               tasks::Env env, proto::RunState* state)
    : kinds_(std::move(kinds)), pid_(pid), env_(std::move(env)),
      state_(state) {}

std::optional<proto::Fatal> Runner::Run(
    uint64_t batch_id, const proto::TaskBatchReader& batch, ResultSink* sink,
    const std::function<bool()>& stop_requested) {
  // No task runs yet (state_->running is 0): the flush thread keeps off.
  records_.Clear();
  pending_ = proto::Results{.batch_id = batch_id};
  unsent_.store(0, std::memory_order_relaxed);
  batch_id_ = batch_id;
  sink_ = sink;
  uint32_t idle = kIdle;
  if (phase_.compare_exchange_strong(idle, kInBatch)) phase_.notify_one();
  // One clock read per task: a task starts when the one before it ended
  // (its record written), so tiny tasks pay ~65 ns for timing, not 200.
  int64_t now = NowNs();
  chunk_start_ns_ = now;
  const int64_t flush_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(kFlushDeadline)
          .count();
  std::optional<proto::Fatal> fatal;
  for (size_t i = 0; i < batch.size(); ++i) {
    fatal = RunOne(batch_id, static_cast<uint32_t>(i), batch, &now);
    if (fatal) {
      now = NowNs();
      break;
    }
    if (now - chunk_start_ns_ >= flush_ns && i + 1 < batch.size()) {
      Flush(batch_id, now, sink);
      if (stop_requested && stop_requested()) break;
    }
  }
  Flush(batch_id, now, sink);
  uint32_t in_batch = kInBatch;
  phase_.compare_exchange_strong(in_batch, kIdle);
  return fatal;
}

std::optional<proto::Fatal> Runner::RunOne(uint64_t batch_id, uint32_t index,
                                           const proto::TaskBatchReader& batch,
                                           int64_t* now) {
  const int64_t start = *now;
  state_->Begin(batch_id, index, start);
  result_.clear();
  proto::TaskStatus status = proto::TaskStatus::kOk;
  absl::string_view kind_name = "?";
  absl::Status s = batch.Get(index, &task_);
  if (s.ok() && task_.kind_index >= kinds_.size()) {
    s = absl::InvalidArgumentError(
        absl::StrCat("bad task: unknown kind index ", task_.kind_index));
  }
  if (s.ok()) {
    const tasks::TaskDef& def = *kinds_[task_.kind_index];
    kind_name = def.name;
    s = def.signature.Coerce(&task_.args);
    if (s.ok()) {
      tasks::Call call(task_.args, task_.id, task_.attempt, &env_);
      try {
        s = def.fn(call, &result_);
      } catch (const std::bad_alloc&) {
        EndTask();
        return proto::Fatal{batch_id, index, proto::FatalKind::kOom,
                            absl::StrCat(def.name, ": out of memory")};
      } catch (const std::exception& e) {
        EndTask();
        // A header string is bounded: keep the message well inside it.
        absl::string_view what = e.what();
        return proto::Fatal{batch_id, index, proto::FatalKind::kException,
                            absl::StrCat(def.name, ": uncaught exception: ",
                                         what.substr(0, 4096))};
      } catch (...) {
        EndTask();
        return proto::Fatal{batch_id, index, proto::FatalKind::kException,
                            absl::StrCat(def.name, ": uncaught exception")};
      }
    } else {
      s = absl::InvalidArgumentError(
          absl::StrCat(def.name, ": ", s.message()));
    }
  }
  if (!s.ok()) {
    status = proto::TaskStatus::kError;
    result_.assign(s.message().data(), s.message().size());
  }
  *now = NowNs();
  EndTask();
  const uint64_t elapsed_us = static_cast<uint64_t>((*now - start) / 1000);
  records_.Add(task_.id, kind_name, task_.args, status, result_, pid_,
               task_.attempt, elapsed_us);
  pending_.count++;
  pending_.by_status[static_cast<int>(status)]++;
  unsent_.store(pending_.count, std::memory_order_relaxed);
  return std::nullopt;
}

void Runner::EndTask() {
  // The store of running = 0, then the load of flushing_: with the flush
  // thread's store of flushing_ = 1, Heavy fence, load of running, one of
  // the two sees the other's store (see asymmetric_fence.h).
  state_->End();
  fence_.Light();
  while (flushing_.load(std::memory_order_acquire) != 0) {
    flushing_.wait(1, std::memory_order_acquire);
  }
}

bool Runner::FlushDuringTask(std::chrono::nanoseconds deadline) {
  // Cheap looks first: nothing to send, or no task running long enough.
  if (unsent_.load(std::memory_order_relaxed) == 0 ||
      state_->running.load(std::memory_order_relaxed) == 0) {
    return false;
  }
  const int64_t started = state_->started_ns.load(std::memory_order_relaxed);
  if (NowNs() - started < deadline.count()) return false;
  flushing_.store(1, std::memory_order_relaxed);
  bool sent = false;
  // Acquire: what the task thread wrote before it began this task
  // (records, pending_) is visible here.
  if (fence_.Heavy() &&
      state_->running.load(std::memory_order_acquire) != 0 &&
      pending_.count > 0) {
    // The chunk ends where the running task began.
    Flush(batch_id_, state_->started_ns.load(std::memory_order_relaxed),
          sink_);
    sent = true;
  }
  flushing_.store(0, std::memory_order_release);
  flushing_.notify_one();
  return sent;
}

bool Runner::WaitForBatch() const {
  for (;;) {
    const uint32_t phase = phase_.load(std::memory_order_acquire);
    if (phase == kClosed) return false;
    if (phase == kInBatch) return true;
    phase_.wait(phase, std::memory_order_acquire);
  }
}

void Runner::Close() {
  phase_.store(kClosed, std::memory_order_release);
  phase_.notify_all();
}

void Runner::Flush(uint64_t batch_id, int64_t end, ResultSink* sink) {
  if (pending_.count == 0) return;
  // The chunk's wall time, not the sum of per-task microseconds: tiny tasks
  // round to 0 us each, and the master sizes batches from this figure.
  pending_.elapsed_us =
      end > chunk_start_ns_ ? static_cast<uint64_t>((end - chunk_start_ns_) / 1000) : 0;
  chunk_start_ns_ = end;
  sink->Send(pending_, records_.Finish());
  uint32_t next = pending_.offset + pending_.count;
  records_.Clear();
  pending_ = proto::Results{.batch_id = batch_id, .offset = next};
  unsent_.store(0, std::memory_order_relaxed);
}

}  // namespace taskfarm::worker
