#include "master/input/spool_feed.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {

absl::StatusOr<std::unique_ptr<SpoolFeed>> SpoolFeed::Open(
    const std::string& path, uint64_t total) {
  absl::StatusOr<std::unique_ptr<SpoolReader>> reader = SpoolReader::Open(path);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<SpoolFeed>(new SpoolFeed(*std::move(reader), total));
}

SpoolFeed::SpoolFeed(std::unique_ptr<SpoolReader> reader, uint64_t total)
    : reader_(std::move(reader)), total_(total) {
  block_.type = SpoolBlock::kTasks;  // an empty one: the first Fill reads
}

absl::Status SpoolFeed::Advance() {
  if (absl::Status s = reader_->Next(&block_); !s.ok()) return s;
  taken_ = 0;
  if (block_.type == SpoolBlock::kEnd) {
    if (block_.first_id != total_) {
      return absl::DataLossError(
          absl::StrCat("the input spool holds ", block_.first_id,
                       " tasks; the input check counted ", total_));
    }
    exhausted_ = true;
  } else if (block_.type == SpoolBlock::kRange) {
    args_ = block_.args;
    OdometerFirst(block_.ranges, &args_);
  }
  if (block_.first_id + block_.count > total_) {
    return absl::DataLossError(absl::StrCat(
        "the input spool holds more than the ", total_,
        " tasks the input check counted"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> SpoolFeed::Fill(proto::TaskBatchWriter* writer,
                                         uint32_t max, uint64_t id_limit,
                                         const journal::IdSet* skip) {
  if (!error_.ok()) return error_;
  uint32_t added = 0;
  while (added < max && next_id_ < id_limit && !exhausted_) {
    if (taken_ == block_.count) {
      if (absl::Status s = Advance(); !s.ok()) {
        error_ = s;
        return s;
      }
      continue;
    }
    if (block_.type == SpoolBlock::kTasks) {
      added += TakeTasks(writer, max - added, id_limit, skip);
      continue;
    }
    const uint64_t n = std::min({block_.count - taken_, uint64_t{max - added},
                                 id_limit - next_id_});
    for (uint64_t i = 0; i < n && added < max; ++i) {  // kRange
      const uint64_t id = next_id_++;
      if (skip == nullptr || !skip->Contains(id)) {
        writer->Add(id, block_.kind, args_, /*attempt=*/1);
        ++added;
      }
      if (++taken_ < block_.count) OdometerNext(block_.ranges, &args_);
    }
  }
  return added;
}

uint32_t SpoolFeed::TakeTasks(proto::TaskBatchWriter* writer, uint32_t max,
                              uint64_t id_limit, const journal::IdSet* skip) {
  const uint64_t end =
      std::min(block_.count, id_limit - block_.first_id);  // exclusive
  uint32_t added = 0;
  uint64_t run = taken_;  // the first task of the run not yet appended
  // Appends tasks [run, taken_) as one copy.
  auto append_run = [&] {
    if (taken_ == run) return;
    const uint32_t from = run == 0 ? 0 : block_.ends[run - 1];
    writer->AddEncoded(block_.tasks.substr(from, block_.ends[taken_ - 1] - from),
                       static_cast<uint32_t>(taken_ - run));
    added += static_cast<uint32_t>(taken_ - run);
  };
  if (skip == nullptr) {
    taken_ = std::min(end, taken_ + max);
  } else {
    for (uint32_t kept = 0; taken_ < end && kept < max; ++taken_) {
      if (skip->Contains(block_.first_id + taken_)) {
        append_run();
        run = taken_ + 1;
      } else {
        ++kept;
      }
    }
  }
  append_run();
  next_id_ = block_.first_id + taken_;
  return added;
}

}  // namespace taskfarm::master
