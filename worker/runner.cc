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
  records_.Clear();
  pending_ = proto::Results{.batch_id = batch_id};
  // One clock read per task: a task starts when the one before it ended
  // (its record written), so tiny tasks pay ~65 ns for timing, not 200.
  int64_t now = NowNs();
  int64_t last_flush = now;
  chunk_start_ns_ = now;
  const int64_t flush_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(kFlushInterval)
          .count();
  for (size_t i = 0; i < batch.size(); ++i) {
    uint32_t index = static_cast<uint32_t>(i);
    std::optional<proto::Fatal> fatal = RunOne(batch_id, index, batch, &now);
    state_->End();
    if (fatal) {
      Flush(batch_id, NowNs(), sink);
      return fatal;
    }
    if (now - last_flush >= flush_ns && i + 1 < batch.size()) {
      Flush(batch_id, now, sink);
      last_flush = now;
      if (stop_requested && stop_requested()) return std::nullopt;
    }
  }
  Flush(batch_id, now, sink);
  return std::nullopt;
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
        return proto::Fatal{batch_id, index, proto::FatalKind::kOom,
                            absl::StrCat(def.name, ": out of memory")};
      } catch (const std::exception& e) {
        // A header string is bounded: keep the message well inside it.
        absl::string_view what = e.what();
        return proto::Fatal{batch_id, index, proto::FatalKind::kException,
                            absl::StrCat(def.name, ": uncaught exception: ",
                                         what.substr(0, 4096))};
      } catch (...) {
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
  const uint64_t elapsed_us = static_cast<uint64_t>((*now - start) / 1000);
  records_.Add(task_.id, kind_name, task_.args, status, result_, pid_,
               task_.attempt, elapsed_us);
  pending_.count++;
  pending_.by_status[static_cast<int>(status)]++;
  return std::nullopt;
}

void Runner::Flush(uint64_t batch_id, int64_t now, ResultSink* sink) {
  if (pending_.count == 0) return;
  // The chunk's wall time, not the sum of per-task microseconds: tiny tasks
  // round to 0 us each, and the master sizes batches from this figure.
  pending_.elapsed_us = static_cast<uint64_t>((now - chunk_start_ns_) / 1000);
  chunk_start_ns_ = now;
  sink->Send(pending_, records_.Finish());
  uint32_t next = pending_.offset + pending_.count;
  records_.Clear();
  pending_ = proto::Results{.batch_id = batch_id, .offset = next};
}

}  // namespace taskfarm::worker
