#include "master/dashboard/view_builder.h"

#include <utility>

namespace taskfarm::master::dashboard {

void ViewBuilder::AddHistory(View& v) {
  const Snapshot& s = v.batch;
  const uint64_t done = s.reported + s.skipped;
  if (!history_.empty() && history_.back().t >= s.elapsed_s) {
    history_.back().done = done;  // the same moment, published again
  } else if (history_.empty() || s.finished ||
             s.elapsed_s - history_.back().t >= history_step_) {
    history_.push_back({s.elapsed_s, done});
  }
  if (history_.size() > kMaxHistory) {  // keep every other point
    std::vector<View::Point> half;
    for (size_t i = 0; i < history_.size(); i += 2) half.push_back(history_[i]);
    if (half.back().t != history_.back().t) half.push_back(history_.back());
    history_ = std::move(half);
    history_step_ *= 2;
  }
  // The rate over the last kRateWindowSeconds of the history.
  const View::Point now{s.elapsed_s, done};
  const View::Point* then = &history_.front();
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    then = &*it;
    if (now.t - it->t >= kRateWindowSeconds) break;
  }
  if (now.t - then->t > 0.5) {
    v.rate = static_cast<double>(now.done - then->done) / (now.t - then->t);
  }
  if (!s.finished && s.total > done && v.rate > 0) {
    v.eta_s = static_cast<double>(s.total - done) / v.rate;
  }
  v.history = history_;
}

std::shared_ptr<const View> ViewBuilder::Build(Snapshot batch, int64_t unix_ms) {
  auto v = std::make_shared<View>();
  v->batch = std::move(batch);
  v->unix_ms = unix_ms;
  AddHistory(*v);
  return v;
}

}  // namespace taskfarm::master::dashboard
