#include "logger/formatter.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "journal/encoding.h"
#include "journal/task_words.h"

namespace taskfarm::logger {
namespace {

// Room for any number this file writes (a uint64_t takes 20 digits, an
// int64_t 20 with its sign, a double in shortest form 24).
constexpr size_t kNumberBound = 32;
// Room for a record's fixed text: field names, punctuation, status name
// and its numbers (id, worker, attempts, elapsed).
constexpr size_t kFixedBound = 160 + 4 * kNumberBound;

char* Copy(absl::string_view s, char* p) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

template <typename Number>
char* WriteNumber(Number value, char* p) {
  return std::to_chars(p, p + kNumberBound, value).ptr;
}

// Consecutive records mostly come from the same worker: the digits of its
// pid are kept rather than formatted again.
class PidDigits {
 public:
  char* Write(int64_t pid, char* p) {
    if (pid != pid_ || size_ == 0) {
      pid_ = pid;
      size_ = static_cast<size_t>(WriteNumber(pid, digits_) - digits_);
    }
    std::memcpy(p, digits_, size_);
    return p + size_;
  }

 private:
  int64_t pid_ = 0;
  size_t size_ = 0;
  char digits_[kNumberBound];
};

// One argument as text: numbers as written, strings as they are.
template <typename StringWriter>
char* WriteArg(const proto::Value& v, char* p, StringWriter write_string) {
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, absl::string_view>) {
          return write_string(x, p);
        } else {
          return WriteNumber(x, p);
        }
      },
      v);
}

// The most the strings of a record can take, each written by a rule whose
// bound for n bytes is bound(n).
template <typename Bound>
size_t StringsBound(const proto::RecordView& r, Bound bound) {
  size_t n = bound(r.kind.size()) + bound(r.result.size());
  for (const proto::Value& v : r.args) {
    const auto* s = std::get_if<absl::string_view>(&v);
    n += (s ? bound(s->size()) : kNumberBound) + 2;
  }
  return n;
}

absl::string_view StatusName(proto::TaskStatus status) {
  return proto::TaskStatusName(status);
}

class TextFormatter : public Formatter {
 public:
  void Append(const proto::RecordView& r, OutBuffer* out) override {
    char* p = out->Reserve(kFixedBound + StringsBound(r, journal::TextBound));
    p = Copy("[worker ", p);
    p = pid_.Write(r.worker_pid, p);
    p = Copy("] #", p);
    p = WriteNumber(r.id, p);
    *p++ = ' ';
    p = journal::WriteText(r.kind, p);
    *p++ = '(';
    for (size_t i = 0; i < r.args.size(); ++i) {
      if (i > 0) p = Copy(", ", p);
      p = WriteArg(r.args[i], p, journal::WriteText);
    }
    *p++ = ')';
    if (r.status == proto::TaskStatus::kOk) {
      p = Copy(" = ", p);
    } else {
      *p++ = ' ';
      p = Copy(StatusName(r.status), p);
      p = Copy(": ", p);
    }
    p = journal::WriteText(r.result, p);
    p = Copy("  (", p);
    p = WriteNumber(r.elapsed_us, p);
    p = Copy(" \xc2\xb5s", p);
    if (r.attempts > 1) {
      p = Copy(", ", p);
      p = WriteNumber(r.attempts, p);
      p = Copy(" attempts", p);
    }
    p = Copy(")\n", p);
    out->Commit(p);
  }

 private:
  PidDigits pid_;
};

char* WriteJsonArg(const proto::Value& v, char* p) {
  if (const auto* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) return Copy("null", p);  // JSON has no inf or nan
  }
  return WriteArg(v, p, journal::WriteJsonText);
}

class JsonlFormatter : public Formatter {
 public:
  void Append(const proto::RecordView& r, OutBuffer* out) override {
    char* p = out->Reserve(kFixedBound + StringsBound(r, journal::JsonTextBound));
    p = Copy("{\"id\":", p);
    p = WriteNumber(r.id, p);
    p = Copy(",\"task\":", p);
    p = journal::WriteJsonText(r.kind, p);
    p = Copy(",\"args\":[", p);
    for (size_t i = 0; i < r.args.size(); ++i) {
      if (i > 0) *p++ = ',';
      p = WriteJsonArg(r.args[i], p);
    }
    p = Copy("],\"status\":\"", p);
    p = Copy(StatusName(r.status), p);
    p = Copy("\",\"result\":", p);
    p = journal::WriteJsonText(r.result, p);
    p = Copy(",\"worker\":", p);
    p = pid_.Write(r.worker_pid, p);
    p = Copy(",\"attempts\":", p);
    p = WriteNumber(r.attempts, p);
    p = Copy(",\"elapsed_us\":", p);
    p = WriteNumber(r.elapsed_us, p);
    p = Copy("}\n", p);
    out->Commit(p);
  }

 private:
  PidDigits pid_;
};

class CsvFormatter : public Formatter {
 public:
  void AppendHeader(OutBuffer* out) const override {
    out->Append(journal::kCsvHeader);
  }
  void Append(const proto::RecordView& r, OutBuffer* out) override {
    // The args as they would be written in a task file: blank-separated,
    // quoted where needed, so "a b" stays one argument. Numbers alone (the
    // usual case) need neither quotes nor a second pass.
    bool numbers_only = true;
    for (const proto::Value& v : r.args) {
      if (std::holds_alternative<absl::string_view>(v)) numbers_only = false;
    }
    args_.clear();
    if (!numbers_only) journal::AppendTaskArgs(r.args, &args_);
    using journal::CsvFieldBound;
    char* p = out->Reserve(kFixedBound + CsvFieldBound(r.kind.size()) +
                           CsvFieldBound(args_.size()) +
                           r.args.size() * (kNumberBound + 1) +
                           CsvFieldBound(r.result.size()));
    p = WriteNumber(r.id, p);
    *p++ = ',';
    p = journal::WriteCsvField(r.kind, p);
    *p++ = ',';
    if (numbers_only) {
      for (size_t i = 0; i < r.args.size(); ++i) {
        if (i > 0) *p++ = ' ';
        p = WriteArg(r.args[i], p, Copy);
      }
    } else {
      p = journal::WriteCsvField(args_, p);
    }
    *p++ = ',';
    p = Copy(StatusName(r.status), p);
    *p++ = ',';
    p = journal::WriteCsvField(r.result, p);
    *p++ = ',';
    p = pid_.Write(r.worker_pid, p);
    *p++ = ',';
    p = WriteNumber(r.attempts, p);
    *p++ = ',';
    p = WriteNumber(r.elapsed_us, p);
    *p++ = '\n';
    out->Commit(p);
  }

 private:
  std::string args_;  // reused
  PidDigits pid_;
};

}  // namespace

std::unique_ptr<Formatter> MakeFormatter(journal::Format format) {
  switch (format) {
    case journal::Format::kText:
      return std::make_unique<TextFormatter>();
    case journal::Format::kJsonl:
      return std::make_unique<JsonlFormatter>();
    case journal::Format::kCsv:
      return std::make_unique<CsvFormatter>();
  }
  return nullptr;
}

}  // namespace taskfarm::logger
