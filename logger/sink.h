// File: logger/sink.h
//
// Sink is what the logger does with records: it drops ids already written
// (in this life, or found in the output at start) and ids outside the
// batch's range (bad records: counted, never written), formats the rest, holds
// them back until their turn with --keep-order, and writes them to the
// Output in large chunks. It also knows, for the acknowledgements, the
// highest Log sequence number all of whose records are written.
//
// Example:
//   Sink sink(&output, MakeFormatter(format), keep_order, fsync, written,
//             id_limit);
//   for each record r of Log `seq`: sink.Add(r, seq);  sink.EndLog(seq);
//   if (sink.buffered_bytes() > kChunk) sink.Flush();
//   ack(sink.written_seq());
//
// Use from one thread.

#ifndef TASKFARM_LOGGER_SINK_H_
#define TASKFARM_LOGGER_SINK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "journal/id_set.h"
#include "journal/reorder.h"
#include "logger/formatter.h"
#include "logger/out_buffer.h"
#include "logger/output.h"
#include "proto/batch.h"

namespace taskfarm::logger {

class Sink {
 public:
  // `written`: ids the output already holds; `id_limit`: the batch's ids
  // are below it.
  Sink(Output* output, std::unique_ptr<Formatter> formatter, bool keep_order,
       bool fsync, journal::IdSet written, uint64_t id_limit);
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  // Starts a new output (the csv header).
  void AddHeader() { formatter_->AppendHeader(&buffer_); }
  // A record of Log `seq`; dropped if its id was written already. Returns
  // false (and drops it) if its id is outside the batch.
  bool Add(const proto::RecordView& record, uint64_t seq);
  // Every record of Log `seq` has been added.
  void EndLog(uint64_t seq) { ended_seq_ = seq; }
  // --keep-order at the end of a batch that stopped early: the rest, gaps
  // and all.
  void ReleaseAll();

  size_t buffered_bytes() const { return buffer_.size(); }
  // Writes what is buffered (and fdatasyncs with --fsync). Returns the
  // output's error.
  absl::Status Flush();
  // The highest Log seq all of whose records are written (after Flush).
  uint64_t written_seq() const { return written_seq_; }
  uint64_t records_written() const { return records_; }

 private:
  struct Held {
    std::string text;
    uint64_t seq;
  };
  void Emit(uint64_t id, Held& held);

  Output* output_;
  std::unique_ptr<Formatter> formatter_;
  bool keep_order_;
  bool fsync_;
  journal::IdSet written_;
  uint64_t id_limit_;
  journal::ReorderBuffer<Held> reorder_;
  std::map<uint64_t, uint32_t> held_seqs_;  // seq -> records held back
  OutBuffer buffer_;
  OutBuffer one_;  // one formatted record, reused
  uint64_t ended_seq_ = 0;
  uint64_t written_seq_ = 0;
  uint64_t records_ = 0;
};

}  // namespace taskfarm::logger

#endif  // TASKFARM_LOGGER_SINK_H_
