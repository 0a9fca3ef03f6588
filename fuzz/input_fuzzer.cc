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
//   - parsing the same words again gives the same canonical form.

#include <cstddef>
#include <cstdint>
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
#include "master/input/task_line.h"
#include "master/input/tokenizer.h"
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
constexpr uint64_t kExpandLimit = 512;

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

void CheckLine(const std::vector<Word>& words) {
  static auto* const line = new TaskLine;
  static auto* const again = new TaskLine;
  if (words.empty()) return;
  if (!line->Parse(words, Kinds()).ok()) return;
  const proto::Signature& sig = Kinds().at(line->kind()).signature;
  TF_CHECK(line->count() >= 1 && line->count() <= kMaxLineTasks);

  std::vector<proto::Value> args;
  uint64_t seen = 0;
  for (bool more = line->First(&args); more && seen < kExpandLimit;
       more = line->Next(&args)) {
    ++seen;
    TF_CHECK(args.size() == words.size() - 1);
    for (size_t i = 0; i < args.size(); ++i) {
      TF_CHECK(HasType(args[i], sig.TypeAt(i)));
    }
  }
  TF_CHECK(seen == std::min(line->count(), kExpandLimit));

  std::string canonical, canonical_again;
  line->AppendCanonical(&canonical);
  TF_CHECK(again->Parse(words, Kinds()).ok());
  again->AppendCanonical(&canonical_again);
  TF_CHECK(canonical == canonical_again);
}

void FuzzOne(absl::string_view input) {
  static auto* const tokenizer = new Tokenizer;
  static auto* const json_words = new std::vector<Word>;
  static auto* const json_storage = new std::string;
  for (absl::string_view text : absl::StrSplit(input, '\n')) {
    if (IsJsonLine(text)) {
      if (!JsonToWords(text, json_words, json_storage).ok()) continue;
      for (const Word& w : *json_words) TF_CHECK(w.quoted);
      CheckLine(*json_words);
    } else if (tokenizer->Tokenize(text).ok()) {
      CheckLine(tokenizer->words());
    }
  }
}

}  // namespace
}  // namespace taskfarm::master

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  taskfarm::master::FuzzOne(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
