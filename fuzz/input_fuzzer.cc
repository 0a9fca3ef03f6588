// File: fuzz/input_fuzzer.cc
//
// libFuzzer target for the master's input parser, the other place where
// untrusted bytes come in: a task file is split into lines, each line is
// read as the task language (Tokenizer) or as a JSON task (JsonToWords),
// and checked against a fixed table of kinds (TaskLine::Parse). Besides
// "no crash, no leak, no undefined behaviour" it checks what the parser
// promises:
//   - a JSON task's words are all quoted (never read as ranges);
//   - a parsed line stands for 1 .. kMaxLineTasks tasks, and expanding it
//     yields exactly that many (checked up to a bound);
//   - every task's arguments have the types of the kind's signature;
//   - parsing the same words again gives the same canonical form;
//   - the whole input, checked by TaskSource into an input spool and fed
//     back by SpoolFeed in batches of a size taken from the input, gives
//     exactly the tasks the lines expand to (checked up to a bound), with
//     ids 0, 1, 2, ...;
//   - the same spool with one byte changed (where, from the input) is fed
//     as the same tasks or ends in an error: never fewer tasks as success.

#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/check.h"
#include "master/input/json_line.h"
#include "master/input/kind_table.h"
#include "master/input/spool.h"
#include "master/input/spool_feed.h"
#include "master/input/task_line.h"
#include "master/input/task_source.h"
#include "master/input/tokenizer.h"
#include "proto/batch.h"
#include "proto/messages.h"
#include "proto/signature.h"
#include "proto/value.h"

namespace taskfarm::master {
namespace {

// Every argument type, fixed and variadic signatures, as workers send them.
const KindTable& Kinds() {
  static const KindTable* const table = [] {
    absl::StatusOr<KindTable> t = KindTable::From({
        {"fib", "int", "fib(N)"},
        {"fibmod", "uint uint", "fib(N) mod M"},
        {"pi", "uint uint", "Monte Carlo pi"},
        {"mandelbrot", "float float uint uint", "a tile"},
        {"sha256", "str", "hash of TEXT"},
        {"exec", "str str...", "runs PROGRAM"},
        {"sum", "int...", "adds its arguments"},
        {"tag", "int str", "a labelled number"},
        {"nothing", "", "takes no arguments"},
    });
    TF_CHECK(t.ok());
    return new KindTable(*std::move(t));
  }();
  return *table;
}

// How many tasks of a line are expanded and checked.
constexpr uint64_t kCheckedPerLine = 512;

bool HasType(const proto::Value& v, proto::ArgType type) {
  switch (type) {
    case proto::ArgType::kInt:
      return std::holds_alternative<int64_t>(v);
    case proto::ArgType::kUint:
      return std::holds_alternative<uint64_t>(v);
    case proto::ArgType::kFloat:
      return std::holds_alternative<double>(v);
    case proto::ArgType::kStr:
      return std::holds_alternative<absl::string_view>(v);
  }
  return false;
}

// A task as a batch carries it, for comparison: "ID KIND ARG..." with a
// non-negative int as uint (msgpack keeps no sign) and floats by bits.
std::string Render(uint64_t id, uint32_t kind,
                   const std::vector<proto::Value>& args) {
  std::string out = std::to_string(id) + " " + std::to_string(kind);
  for (const proto::Value& v : args) {
    out += ' ';
    if (const int64_t* i = std::get_if<int64_t>(&v)) {
      out += *i < 0 ? "-" + std::to_string(-static_cast<uint64_t>(*i))
                    : std::to_string(*i);
    } else if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
      out += std::to_string(*u);
    } else if (const double* d = std::get_if<double>(&v)) {
      uint64_t bits;
      std::memcpy(&bits, d, sizeof(bits));
      out += "f" + std::to_string(bits);
    } else {
      const absl::string_view text = std::get<absl::string_view>(v);
      out += "s" + std::to_string(text.size()) + ":";
      out.append(text.data(), text.size());
    }
  }
  return out;
}

// The first tasks the input's lines expand to (at most kFeedLimit, and
// none after a line of more than kCheckedPerLine): what the spool must
// give back first.
struct Expected {
  std::vector<std::string> tasks;
  bool open = true;      // tasks holds every task so far
  bool all_good = true;  // every line parsed (else nothing is spooled)
};
constexpr uint64_t kFeedLimit = 4096;

void CheckLine(const std::vector<Word>& words, Expected* expected) {
  static auto* const line = new TaskLine;
  static auto* const again = new TaskLine;
  if (words.empty()) return;
  if (!line->Parse(words, Kinds()).ok()) {
    expected->all_good = false;
    return;
  }
  const proto::Signature& sig = Kinds().at(line->kind()).signature;
  TF_CHECK(line->count() >= 1 && line->count() <= kMaxLineTasks);

  std::vector<proto::Value> args;
  uint64_t seen = 0;
  for (bool more = line->First(&args); more && seen < kCheckedPerLine;
       more = line->Next(&args)) {
    ++seen;
    TF_CHECK(args.size() == words.size() - 1);
    for (size_t i = 0; i < args.size(); ++i) {
      TF_CHECK(HasType(args[i], sig.TypeAt(i)));
    }
    if (expected->open && expected->tasks.size() < kFeedLimit) {
      expected->tasks.push_back(
          Render(expected->tasks.size(), line->kind(), args));
    }
  }
  TF_CHECK(seen == std::min(line->count(), kCheckedPerLine));
  if (line->count() > seen) expected->open = false;  // the rest is unknown

  std::string canonical, canonical_again;
  line->AppendCanonical(&canonical);
  TF_CHECK(again->Parse(words, Kinds()).ok());
  again->AppendCanonical(&canonical_again);
  TF_CHECK(canonical == canonical_again);
}

const std::string& SpoolPath() {
  static const std::string* const path = [] {
    const char* tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    auto* spool = new std::string(std::string(tmp != nullptr ? tmp : "/tmp") +
                                  "/input_fuzzer." + std::to_string(getpid()) +
                                  ".spool");
    std::atexit([] { unlink(SpoolPath().c_str()); });
    return spool;
  }();
  return *path;
}

// Feeds the whole spool in batches of `max`; the first kFeedLimit tasks
// rendered into `tasks`. False if the feed failed.
bool FeedAll(uint64_t total, uint32_t max, std::vector<std::string>* tasks) {
  absl::StatusOr<std::unique_ptr<SpoolFeed>> feed =
      SpoolFeed::Open(SpoolPath(), total);
  TF_CHECK(feed.ok());
  proto::TaskBatchWriter writer;
  proto::TaskBatchReader reader;
  proto::TaskView view;
  while (!(*feed)->exhausted() && tasks->size() < kFeedLimit) {
    writer.Clear();
    absl::StatusOr<uint32_t> n = (*feed)->Fill(&writer, max, UINT64_MAX, nullptr);
    if (!n.ok()) return false;
    TF_CHECK(*n <= max);
    TF_CHECK(reader.Open(writer.Finish()).ok() && reader.size() == *n);
    for (size_t i = 0; i < reader.size(); ++i) {
      TF_CHECK(reader.Get(i, &view).ok() && view.attempt == 1);
      TF_CHECK(view.id == tasks->size() || tasks->size() >= kFeedLimit);
      tasks->push_back(Render(view.id, view.kind_index, view.args));
    }
  }
  return true;
}

void CheckSpool(absl::string_view input, const Expected& expected) {
  InputSpec spec;
  spec.text = std::string(input);
  spec.is_text = true;
  spec.lines_only = true;  // as the lines above were split
  absl::StatusOr<std::unique_ptr<SpoolWriter>> spool =
      SpoolWriter::Create(SpoolPath());
  TF_CHECK(spool.ok());
  TaskSource source({spec}, &Kinds());
  std::vector<std::string> errors;
  absl::StatusOr<TaskSource::Summary> summary =
      source.Check(&errors, 20, spool->get());
  TF_CHECK(summary.ok());
  TF_CHECK(errors.empty() == expected.all_good);
  if (!expected.all_good) return;
  const uint32_t max = 1 + static_cast<uint32_t>(input.size() % 97);
  std::vector<std::string> tasks;
  TF_CHECK(FeedAll(summary->total, max, &tasks));
  TF_CHECK(tasks.size() >= expected.tasks.size());
  tasks.resize(expected.tasks.size());
  TF_CHECK(tasks == expected.tasks);

  // One byte changed: the same tasks, or an error.
  std::string bytes;
  {
    std::ifstream in(SpoolPath(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    bytes = s.str();
  }
  if (bytes.empty()) return;
  const size_t at = (input.size() * 2654435761u) % bytes.size();
  bytes[at] = static_cast<char>(bytes[at] ^ (1 + input.size() % 255));
  {
    std::ofstream out(SpoolPath(), std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  std::vector<std::string> changed;
  if (FeedAll(summary->total, max, &changed)) {
    changed.resize(expected.tasks.size());
    TF_CHECK(changed == expected.tasks);
  }
}

void FuzzOne(absl::string_view input) {
  static auto* const tokenizer = new Tokenizer;
  static auto* const json_words = new std::vector<Word>;
  static auto* const json_storage = new std::string;
  Expected expected;
  for (absl::string_view text : absl::StrSplit(input, '\n')) {
    if (IsJsonLine(text)) {
      if (!JsonToWords(text, json_words, json_storage).ok()) {
        expected.all_good = false;
        continue;
      }
      for (const Word& w : *json_words) TF_CHECK(w.quoted);
      CheckLine(*json_words, &expected);
    } else if (tokenizer->Tokenize(text).ok()) {
      CheckLine(tokenizer->words(), &expected);
    } else {
      expected.all_good = false;
    }
  }
  CheckSpool(input, expected);
}

}  // namespace
}  // namespace taskfarm::master

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  taskfarm::master::FuzzOne(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
