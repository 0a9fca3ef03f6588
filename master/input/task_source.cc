#include "master/input/task_source.h"

#include <openssl/evp.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "master/input/json_line.h"

namespace taskfarm::master {
namespace {

constexpr size_t kDigestChunk = 64 << 10;

// Parses one line, of either form, into `line`. Sets `*empty` for a line
// with no task (blank, or only a comment).
absl::Status ParseLine(absl::string_view text, const KindTable& kinds,
                       Tokenizer* tokenizer, std::vector<Word>* json_words,
                       std::string* json_storage, TaskLine* line, bool* empty) {
  const std::vector<Word>* words = json_words;
  if (IsJsonLine(text)) {
    absl::Status s = JsonToWords(text, json_words, json_storage);
    if (!s.ok()) return s;
  } else {
    absl::Status s = tokenizer->Tokenize(text);
    if (!s.ok()) return s;
    words = &tokenizer->words();
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

absl::StatusOr<LineReader> TaskSource::Open(const InputSpec& spec) const {
  if (spec.generate) return LineReader::FromGenerator(spec.generate(), spec.name);
  if (spec.is_text) {
    return LineReader::FromText(spec.text,
                                spec.name.empty() ? "--tasks" : spec.name,
                                /*semicolons=*/!spec.lines_only);
  }
  return LineReader::OpenFile(spec.path, spec.name);
}

absl::StatusOr<TaskSource::Summary> TaskSource::Check(
    std::vector<std::string>* errors, size_t max_errors) {
  Summary summary;
  std::unique_ptr<EVP_MD_CTX, DigestDeleter> digest(EVP_MD_CTX_new());
  EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr);
  Tokenizer tokenizer;
  TaskLine line;
  std::string canonical;
  size_t error_count = 0;
  for (const InputSpec& spec : inputs_) {
    absl::StatusOr<LineReader> reader = Open(spec);
    if (!reader.ok()) return reader.status();
    for (;;) {
      absl::StatusOr<std::optional<absl::string_view>> text = reader->Next();
      if (!text.ok()) return text.status();
      if (!*text) break;
      bool empty;
      absl::Status s = ParseLine(**text, *kinds_, &tokenizer, &json_words_,
                                 &json_storage_, &line, &empty);
      if (s.ok() && empty) continue;
      if (!s.ok()) {
        if (++error_count <= max_errors) {
          errors->push_back(absl::StrCat(reader->name(), ":",
                                         reader->line_number(), ": ",
                                         s.message()));
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
    }
  }
  if (error_count > max_errors) {
    errors->push_back(
        absl::StrCat("... and ", error_count - max_errors, " more errors"));
  }
  EVP_DigestUpdate(digest.get(), canonical.data(), canonical.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(digest.get(), md, &md_len);
  summary.fingerprint = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(md), md_len));
  return summary;
}

absl::StatusOr<bool> TaskSource::AdvanceLine() {
  for (;;) {
    if (!reader_) {
      if (input_ == inputs_.size()) return false;
      absl::StatusOr<LineReader> r = Open(inputs_[input_]);
      if (!r.ok()) return r.status();
      reader_.emplace(*std::move(r));
    }
    absl::StatusOr<std::optional<absl::string_view>> text = reader_->Next();
    if (!text.ok()) return text.status();
    if (!*text) {
      reader_.reset();
      ++input_;
      continue;
    }
    bool empty;
    absl::Status s = ParseLine(**text, *kinds_, &tokenizer_, &json_words_,
                               &json_storage_, &line_, &empty);
    if (s.ok() && empty) continue;
    if (!s.ok()) {
      // Check() accepted this line: the file changed under us.
      return absl::InvalidArgumentError(
          absl::StrCat(reader_->name(), ":", reader_->line_number(), ": ",
                       s.message(), " (the file changed while running?)"));
    }
    line_.First(&args_);
    return true;
  }
}

absl::StatusOr<uint32_t> TaskSource::Fill(proto::TaskBatchWriter* writer,
                                          uint32_t max, uint64_t id_limit,
                                          const journal::IdSet* skip) {
  uint32_t added = 0;
  while (added < max && next_id_ < id_limit && !exhausted_) {
    if (!in_line_) {
      absl::StatusOr<bool> more = AdvanceLine();
      if (!more.ok()) return more.status();
      if (!*more) {
        exhausted_ = true;
        break;
      }
      in_line_ = true;
    }
    uint64_t id = next_id_++;
    if (skip == nullptr || !skip->Contains(id)) {
      writer->Add(id, line_.kind(), args_, /*attempt=*/1);
      ++added;
    }
    in_line_ = line_.Next(&args_);
  }
  return added;
}

}  // namespace taskfarm::master
