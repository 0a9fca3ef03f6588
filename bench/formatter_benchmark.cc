// Benchmarks of the logger's per-record work, on the tiny-task batch of
// issue 5 (bench/samples.h): the formatters alone (records decoded), the
// string encodings of journal/encoding.h, and the whole path of a record
// through the logger's own code: decode a Log frame (proto::RecordStream),
// drop repeats and format (logger::Sink), write (logger::Output, to
// /dev/null so the disk is not measured).
//
//   ./tools/bazel run -c opt //bench:formatter_benchmark

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "bench/samples.h"
#include "benchmark/benchmark.h"
#include "journal/encoding.h"
#include "journal/format.h"
#include "journal/id_set.h"
#include "logger/formatter.h"
#include "logger/out_buffer.h"
#include "logger/output.h"
#include "logger/sink.h"
#include "proto/batch.h"

namespace taskfarm::bench {
namespace {

constexpr uint32_t kBatch = 1024;

void PerRecord(benchmark::State& state, uint32_t per_iteration) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          per_iteration);
}

std::vector<proto::RecordView> Decoded(const std::string& frame) {
  std::vector<proto::RecordView> records;
  proto::RecordStream stream;
  if (!stream.Open(frame).ok()) return records;
  proto::RecordView r;
  while (!stream.done() && stream.Next(&r).ok()) records.push_back(r);
  return records;
}

// One formatted record per call, records already decoded.
void BM_Format(benchmark::State& state) {
  const auto format = static_cast<journal::Format>(state.range(0));
  std::unique_ptr<logger::Formatter> formatter = logger::MakeFormatter(format);
  const std::string frame = FibRecordFrame(kBatch);
  const std::vector<proto::RecordView> records = Decoded(frame);
  logger::OutBuffer out(1 << 20);
  for (auto _ : state) {
    out.Clear();
    for (const proto::RecordView& r : records) formatter->Append(r, &out);
    benchmark::DoNotOptimize(out.data());
  }
  PerRecord(state, kBatch);
  state.SetLabel(journal::FormatName(format));
}
BENCHMARK(BM_Format)
    ->Arg(static_cast<int64_t>(journal::Format::kText))
    ->Arg(static_cast<int64_t>(journal::Format::kJsonl))
    ->Arg(static_cast<int64_t>(journal::Format::kCsv));

// Decoding alone: one pass over a Log frame.
void BM_RecordStream(benchmark::State& state) {
  const std::string frame = FibRecordFrame(kBatch);
  proto::RecordStream stream;
  proto::RecordView r;
  for (auto _ : state) {
    if (!stream.Open(frame).ok()) state.SkipWithError("open");
    while (!stream.done()) {
      if (!stream.Next(&r).ok()) state.SkipWithError("next");
      benchmark::DoNotOptimize(r.id);
    }
  }
  PerRecord(state, kBatch);
}
BENCHMARK(BM_RecordStream);

// The logger's whole path for a record, as Logger::Run drives it.
void BM_LoggerRecordPath(benchmark::State& state) {
  const auto format = static_cast<journal::Format>(state.range(0));
  journal::IdSet written;
  absl::StatusOr<logger::Output> output =
      logger::Output::Open("/dev/null", format, nullptr, &written);
  if (!output.ok()) {
    state.SkipWithError("cannot open /dev/null");
    return;
  }
  logger::Sink sink(&*output, logger::MakeFormatter(format), false, false,
                    journal::IdSet(), UINT64_MAX);
  // Fresh ids in every frame, as a batch has them.
  std::vector<std::string> frames;
  for (uint64_t i = 0; i < 64; ++i) {
    frames.push_back(FibRecordFrame(kBatch, i * kBatch));
  }
  proto::RecordStream stream;
  proto::RecordView record;
  uint64_t seq = 0, next = 0;
  for (auto _ : state) {
    if (next == frames.size()) {  // ids go on growing: rebuild past them
      state.PauseTiming();
      for (uint64_t i = 0; i < frames.size(); ++i) {
        frames[i] = FibRecordFrame(kBatch, (seq + 1 + i) * kBatch);
      }
      next = 0;
      state.ResumeTiming();
    }
    ++seq;
    if (!stream.Open(frames[next++]).ok()) state.SkipWithError("open");
    while (!stream.done()) {
      if (!stream.Next(&record).ok()) state.SkipWithError("next");
      sink.Add(record, seq);
    }
    sink.EndLog(seq);
    if (sink.buffered_bytes() > (1 << 20) && !sink.Flush().ok()) {
      state.SkipWithError("write");
    }
  }
  PerRecord(state, kBatch);
  state.SetLabel(journal::FormatName(format));
}
BENCHMARK(BM_LoggerRecordPath)
    ->Arg(static_cast<int64_t>(journal::Format::kText))
    ->Arg(static_cast<int64_t>(journal::Format::kJsonl))
    ->Arg(static_cast<int64_t>(journal::Format::kCsv));

// One JSON string value: plain ASCII, text with escapes, and bytes that are
// not UTF-8 (base64).
void BM_JsonText(benchmark::State& state) {
  const std::string inputs[] = {
      "354224848179261915075",
      "a \"quoted\"\tline\nwith \xc3\xa9 and \xe2\x82\xac",
      std::string("\xff\xfe raw bytes \x80\x81", 16),
  };
  const std::string& s = inputs[state.range(0)];
  logger::OutBuffer out(1 << 16);
  for (auto _ : state) {
    out.Clear();
    char* p = out.Reserve(journal::JsonTextBound(s.size()));
    out.Commit(journal::WriteJsonText(s, p));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
}
BENCHMARK(BM_JsonText)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace taskfarm::bench
