// File: fuzz/codec_fuzzer.cc
//
// libFuzzer target for every decoder of frames that arrive from other
// processes: Codec::Decode and Codec::PeekType (header frames), and
// TaskBatchReader and RecordReader (body frames), each fed the whole input.
// Besides "no crash, no leak, no undefined behaviour" it checks what the
// decoders promise (a broken promise aborts, which libFuzzer reports):
//   - PeekType never contradicts Decode;
//   - what Decode accepts re-encodes to a frame that decodes to the same
//     message, and what the readers accept rewrites to a body that reads
//     and rewrites to the same bytes;
//   - every non-empty string a reader returns is a view into the frame;
//   - RecordStream (the logger's one-pass reader) reads a whole frame
//     exactly when RecordReader reads all of it, and the same records.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/check.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/messages.h"
#include "proto/value.h"

namespace taskfarm::proto {
namespace {

void CheckHeader(absl::string_view frame) {
  absl::StatusOr<Message> message = Codec::Decode(frame);
  absl::StatusOr<MessageType> type = Codec::PeekType(frame);
  if (!type.ok()) TF_CHECK(!message.ok());
  if (!message.ok()) return;
  const std::string again = Codec::Encode(*message);
  absl::StatusOr<Message> decoded = Codec::Decode(again);
  TF_CHECK(decoded.ok() && *decoded == *message);
  absl::StatusOr<MessageType> peeked = Codec::PeekType(again);
  TF_CHECK(type.ok() && peeked.ok() && *type == *peeked);
}

// An empty string may come back as a null view: only bytes need a place.
bool Inside(absl::string_view part, absl::string_view frame) {
  return part.empty() ||
         (part.data() >= frame.data() &&
          part.data() + part.size() <= frame.data() + frame.size());
}

void CheckViews(const std::vector<Value>& args, absl::string_view frame) {
  for (const Value& v : args) {
    if (const auto* s = std::get_if<absl::string_view>(&v)) {
      TF_CHECK(Inside(*s, frame));
    }
  }
}

void Add(const TaskView& t, absl::string_view frame, TaskBatchWriter* out) {
  CheckViews(t.args, frame);
  out->Add(t.id, t.kind_index, t.args, t.attempt);
}

void Add(const RecordView& r, absl::string_view frame, RecordWriter* out) {
  TF_CHECK(Inside(r.kind, frame) && Inside(r.result, frame));
  CheckViews(r.args, frame);
  out->Add(r.id, r.kind, r.args, r.status, r.result, r.worker_pid,
           r.attempts, r.elapsed_us);
}

// Reads every element of a body and writes it again. The reader, view and
// writer live across inputs, as they do in a worker.
template <typename Reader, typename View, typename Writer>
class BodyCheck {
 public:
  void Run(absl::string_view frame) {
    std::optional<std::string> once = Rewrite(frame);
    if (!once) return;
    std::optional<std::string> twice = Rewrite(*once);
    TF_CHECK(twice && *twice == *once);
  }

 private:
  // nullopt if the frame or any element of it is refused.
  std::optional<std::string> Rewrite(absl::string_view frame) {
    if (!reader_.Open(frame).ok()) return std::nullopt;
    writer_.Clear();
    bool all_read = true;
    for (size_t i = 0; i < reader_.size(); ++i) {
      if (reader_.Get(i, &view_).ok()) {
        Add(view_, frame, &writer_);
      } else {
        all_read = false;  // read on: the other elements are still served
      }
    }
    if (!all_read) return std::nullopt;
    return std::string(writer_.Finish());
  }

  Reader reader_;
  View view_;
  Writer writer_;
};

// The records of `frame` rewritten through RecordStream; nullopt if it
// stops at a bad one.
std::optional<std::string> StreamRewrite(absl::string_view frame) {
  static auto* const stream = new RecordStream;
  static auto* const view = new RecordView;
  static auto* const writer = new RecordWriter;
  if (!stream->Open(frame).ok()) return std::nullopt;
  writer->Clear();
  while (!stream->done()) {
    if (!stream->Next(view).ok()) return std::nullopt;
    Add(*view, frame, writer);
  }
  return std::string(writer->Finish());
}

std::optional<std::string> ReaderRewrite(absl::string_view frame) {
  static auto* const reader = new RecordReader;
  static auto* const view = new RecordView;
  static auto* const writer = new RecordWriter;
  if (!reader->Open(frame).ok()) return std::nullopt;
  writer->Clear();
  for (size_t i = 0; i < reader->size(); ++i) {
    if (!reader->Get(i, view).ok()) return std::nullopt;
    Add(*view, frame, writer);
  }
  return std::string(writer->Finish());
}

void FuzzOne(absl::string_view frame) {
  static auto* const tasks =
      new BodyCheck<TaskBatchReader, TaskView, TaskBatchWriter>;
  static auto* const records =
      new BodyCheck<RecordReader, RecordView, RecordWriter>;
  CheckHeader(frame);
  tasks->Run(frame);
  records->Run(frame);
  TF_CHECK(StreamRewrite(frame) == ReaderRewrite(frame));
}

}  // namespace
}  // namespace taskfarm::proto

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  taskfarm::proto::FuzzOne(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
