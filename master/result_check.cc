#include "master/result_check.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {

absl::Status ResultCheck::Check(const proto::Results& header,
                                absl::string_view frame,
                                const Dispatcher::BatchView& batch) {
  durations_.Clear();
  if (header.count == 0 || header.offset != batch.done ||
      header.count > batch.count - batch.done) {
    return absl::InvalidArgumentError(absl::StrCat(
        "results ", header.offset, "+", header.count, " for a batch of ",
        batch.count, " with ", batch.done, " reported"));
  }
  if (absl::Status s = records_.Start(frame); !s.ok()) return s;
  if (records_.size() != header.count) {
    return absl::InvalidArgumentError(absl::StrCat(
        records_.size(), " records for ", header.count, " results"));
  }
  if (!batch.consecutive && !tasks_.Open(*batch.body).ok()) {
    return absl::InternalError("a batch we sent does not decode");
  }
  std::array<uint32_t, proto::kTaskStatusCount> statuses{};
  for (uint32_t i = 0; i < header.count; ++i) {
    if (absl::Status s = records_.Next(&record_); !s.ok()) return s;
    const uint32_t index = header.offset + i;
    uint64_t expected = batch.first_id + index;
    if (!batch.consecutive) {
      if (!tasks_.Get(index, &task_).ok()) {
        return absl::InternalError("a batch we sent does not decode");
      }
      expected = task_.id;
    }
    if (record_.id != expected) {
      return absl::InvalidArgumentError(absl::StrCat(
          "record ", i, " is of task ", record_.id, ", not of task ", expected));
    }
    ++statuses[static_cast<int>(record_.status)];
    durations_.Add(record_.elapsed_us);
  }
  if (absl::Status s = records_.Finish(); !s.ok()) return s;
  if (statuses != header.by_status) {
    return absl::InvalidArgumentError("the statuses do not add up to the header's");
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::master
