#include "master/batch_filler.h"

#include <algorithm>

namespace taskfarm::master {

absl::StatusOr<std::optional<FilledBatch>> BatchFiller::Next(
    Dispatcher& dispatcher, const FeedView& f) {
  TaskFeed* feed = f.feed;
  // Tasks left in the feed: known once the input was checked (if not,
  // batch sizes are not capped).
  const uint64_t fresh_left =
      f.total > feed->next_id() ? f.total - feed->next_id() : UINT64_MAX;
  std::optional<Dispatcher::Grant> grant =
      dispatcher.NextGrant(!feed->exhausted(), fresh_left);
  if (!grant) return std::nullopt;
  writer_.Clear();
  const uint64_t first_fresh = feed->next_id();
  uint64_t min_id = first_fresh;
  uint32_t n = dispatcher.TakeRequeued(*grant, &writer_, &min_id);
  const uint32_t requeued = n;
  if (!grant->isolated && n < grant->max_tasks && !feed->exhausted()) {
    // --keep-order: no task runs further than the reorder window ahead of
    // the lowest unfinished one, which bounds the logger's buffer. The
    // requeued tasks just taken are unfinished too (min_id counts them).
    uint64_t id_limit = UINT64_MAX;
    if (f.reorder_window > 0) {
      id_limit = std::min(min_id, dispatcher.LowestPendingId().value_or(min_id)) +
                 f.reorder_window;
    }
    absl::StatusOr<uint32_t> added =
        feed->Fill(&writer_, grant->max_tasks - n, id_limit, f.skip);
    if (!added.ok()) {
      dispatcher.Return(*grant);
      return added.status();
    }
    n += *added;
  }
  if (n == 0) {
    dispatcher.Return(*grant);
    return std::nullopt;
  }
  // Fresh tasks only, none skipped: their ids follow on from the first.
  const bool consecutive =
      requeued == 0 && feed->next_id() - first_fresh == uint64_t{n};
  auto body = std::make_shared<const std::string>(writer_.Finish());
  const uint64_t batch_id =
      dispatcher.Commit(*grant, body, n, min_id, consecutive);
  return FilledBatch{grant->worker, batch_id, n, std::move(body),
                     grant->isolated, grant->max_tasks};
}

}  // namespace taskfarm::master
