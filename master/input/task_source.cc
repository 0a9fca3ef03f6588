#include "master/input/task_source.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "master/input/json_line.h"
#include "master/input/line_reader.h"
#include "master/input/task_line.h"
#include "master/input/tokenizer.h"

namespace taskfarm::master {
namespace {

constexpr size_t kDigestChunk = 64 << 10;
// The check looks at its cancel flag once per this many lines.
constexpr uint64_t kCancelPollLines = 4096;

// What one line is split into, reused from line to line.
struct LineScratch {
  Tokenizer tokenizer;
  std::vector<Word> json_words;  // a JSON line's words, and their text
  std::string json_storage;
};

// Parses one line, of any form, into `line`. Sets `*empty` for a line with
// no task (blank, or only a comment).
absl::Status ParseLine(const SourceLine& source, const KindTable& kinds,
                       LineScratch* scratch, TaskLine* line, bool* empty) {
  const std::vector<Word>* words = source.words;
  if (words != nullptr) {
    // Split already (a generated line).
  } else if (IsJsonLine(source.text)) {
    absl::Status s = JsonToWords(source.text, &scratch->json_words,
                                 &scratch->json_storage);
    if (!s.ok()) return s;
    words = &scratch->json_words;
  } else {
    absl::Status s = scratch->tokenizer.Tokenize(source.text);
    if (!s.ok()) return s;
    words = &scratch->tokenizer.words();
  }
  *empty = words->empty();
  if (*empty) return absl::OkStatus();
  return line->Parse(*words, kinds);
}

struct DigestDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

TaskSource::TaskSource(std::vector<InputSpec> inputs, const KindTable* kinds)
    : inputs_(std::move(inputs)), kinds_(kinds) {}

absl::StatusOr<std::shared_ptr<LineSource>> TaskSource::Open(
    const InputSpec& spec) const {
  if (spec.generated != nullptr) return spec.generated;
  if (spec.is_text) {
    return std::make_shared<LineReader>(LineReader::FromText(
        spec.text, spec.name.empty() ? "--tasks" : spec.name,
        /*semicolons=*/!spec.lines_only));
  }
  if (spec.path == "-") {
    // A descriptor of our own: the reader closes it, standard input stays.
    int fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
      return absl::UnavailableError(
          absl::StrCat("standard input: ", strerror(errno)));
    }
    return std::make_shared<LineReader>(LineReader::FromFd(fd, "stdin"));
  }
  absl::StatusOr<LineReader> reader = LineReader::OpenFile(spec.path, spec.name);
  if (!reader.ok()) return reader.status();
  return std::make_shared<LineReader>(*std::move(reader));
}

absl::StatusOr<TaskSource::Summary> TaskSource::Check(
    std::vector<std::string>* errors, size_t max_errors, SpoolWriter* spool,
    const CancelFlag* cancel) {
  Summary summary;
  std::unique_ptr<EVP_MD_CTX, DigestDeleter> digest(EVP_MD_CTX_new());
  EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr);
  LineScratch scratch;
  TaskLine line;
  std::string canonical;
  size_t error_count = 0;
  uint64_t lines = 0;
  for (const InputSpec& spec : inputs_) {
    absl::StatusOr<std::shared_ptr<LineSource>> source = Open(spec);
    if (!source.ok()) return source.status();
    LineSource& in = **source;
    in.WatchCancel(cancel);
    for (;;) {
      if (cancel != nullptr && ++lines % kCancelPollLines == 0 &&
          cancel->cancelled()) {
        return absl::CancelledError("the input check was cancelled");
      }
      absl::StatusOr<std::optional<SourceLine>> next = in.NextLine();
      if (!next.ok()) return next.status();
      if (!*next) break;
      bool empty;
      absl::Status s = ParseLine(**next, *kinds_, &scratch, &line, &empty);
      if (s.ok() && empty) continue;
      if (!s.ok()) {
        if (++error_count <= max_errors) {
          errors->push_back(absl::StrCat(in.name(), ":", in.line_number(),
                                         ": ", s.message()));
        }
        continue;
      }
      summary.total += line.count();
      // Hashed in large pieces: the digest's per-call cost is the line's.
      line.AppendCanonical(&canonical);
      if (canonical.size() >= kDigestChunk) {
        EVP_DigestUpdate(digest.get(), canonical.data(), canonical.size());
        canonical.clear();
      }
      // Once a line is bad the batch will not run: stop spooling.
      if (spool != nullptr && error_count == 0) {
        if (absl::Status w = spool->AddLine(line); !w.ok()) return w;
      }
    }
  }
  if (error_count > max_errors) {
    errors->push_back(
        absl::StrCat("... and ", error_count - max_errors, " more errors"));
  }
  if (spool != nullptr && error_count == 0) {
    if (absl::Status w = spool->Finish(); !w.ok()) return w;
  }
  EVP_DigestUpdate(digest.get(), canonical.data(), canonical.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(digest.get(), md, &md_len);
  summary.fingerprint = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(md), md_len));
  return summary;
}

}  // namespace taskfarm::master
