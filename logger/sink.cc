#include "logger/sink.h"

namespace taskfarm::logger {

Sink::Sink(Output* output, std::unique_ptr<Formatter> formatter,
           bool keep_order, bool fsync, journal::IdSet written,
           uint64_t id_limit)
    : output_(output),
      formatter_(std::move(formatter)),
      keep_order_(keep_order),
      fsync_(fsync),
      written_(std::move(written)),
      id_limit_(id_limit),
      buffer_(2 << 20) {}

bool Sink::Add(const proto::RecordView& record, uint64_t seq) {
  if (record.id >= id_limit_) return false;
  if (!keep_order_) {
    if (!written_.Add(record.id)) return true;  // written already
    formatter_->Append(record, &buffer_);
    ++records_;
    return true;
  }
  if (written_.Contains(record.id)) return true;
  one_.Clear();
  formatter_->Append(record, &one_);
  if (!reorder_.Add(record.id, Held{std::string(one_.view()), seq})) {
    return true;  // a repeat
  }
  ++held_seqs_[seq];
  reorder_.Release(written_, [this](uint64_t id, Held& h) { Emit(id, h); });
  return true;
}

void Sink::Emit(uint64_t id, Held& held) {
  written_.Add(id);
  buffer_.Append(held.text);
  ++records_;
  auto it = held_seqs_.find(held.seq);
  if (--it->second == 0) held_seqs_.erase(it);
}

void Sink::ReleaseAll() {
  reorder_.ReleaseAll([this](uint64_t id, Held& h) { Emit(id, h); });
}

absl::Status Sink::Flush() {
  if (!buffer_.empty()) {
    absl::Status s = output_->Write(buffer_.view());
    if (s.ok() && fsync_) s = output_->Sync();
    buffer_.Clear();
    if (!s.ok()) return s;
  }
  // Records held back for ordering are not written: their Logs wait.
  uint64_t seq = held_seqs_.empty() ? ended_seq_ : held_seqs_.begin()->first - 1;
  if (seq > written_seq_) written_seq_ = seq;
  return absl::OkStatus();
}

}  // namespace taskfarm::logger
