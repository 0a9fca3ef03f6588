#include "logger/joblog.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/shell_quote.h"
#include "base/signal_name.h"

namespace taskfarm::logger {
namespace {

constexpr absl::string_view kHeader =
    "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n";

std::string ValueText(const proto::Value& v) {
  if (const auto* s = std::get_if<absl::string_view>(&v)) return std::string(*s);
  if (const auto* i = std::get_if<int64_t>(&v)) return absl::StrCat(*i);
  if (const auto* u = std::get_if<uint64_t>(&v)) return absl::StrCat(*u);
  return absl::StrCat(std::get<double>(v));
}

// The first "SIGXXX" word in `text`, as a number; 0 if none.
int SignalIn(absl::string_view text) {
  size_t at = text.find("SIG");
  if (at == absl::string_view::npos) return 0;
  size_t end = at;
  while (end < text.size() && absl::ascii_isalnum(static_cast<unsigned char>(text[end]))) ++end;
  return base::SignalNumber(text.substr(at, end - at));
}

}  // namespace

ExitColumns ExitColumnsOf(const proto::RecordView& record) {
  using proto::TaskStatus;
  switch (record.status) {
    case TaskStatus::kOk:
      return {0, 0};
    case TaskStatus::kTimeout:
      return {-1, SIGTERM};
    case TaskStatus::kCrashed:
    case TaskStatus::kOom:
      return {-1, SignalIn(record.result)};
    case TaskStatus::kError:
      break;
  }
  // exec's errors (tasks/library/exec.cc): "exec: PROG: exit N; stderr: ...",
  // "exec: PROG: killed by SIGX", "exec: PROG: <strerror of the start>".
  absl::string_view r = record.result;
  if (absl::StartsWith(r, "exec: ")) {
    if (size_t at = r.find(": exit "); at != absl::string_view::npos) {
      absl::string_view code = r.substr(at + 7);
      code = code.substr(0, code.find(';'));
      int n = 0;
      if (absl::SimpleAtoi(code, &n)) return {n, 0};
    }
    if (r.find(": killed by ") != absl::string_view::npos) return {0, SignalIn(r)};
    if (absl::StrContains(r, strerror(EACCES))) return {126, 0};
    if (absl::StrContains(r, strerror(ENOENT))) return {127, 0};
  }
  return {1, 0};
}

std::string CommandColumn(const proto::RecordView& record) {
  std::vector<std::string> words;
  if (record.kind != "exec") words.emplace_back(record.kind);
  for (const proto::Value& v : record.args) words.push_back(ValueText(v));
  std::string line = base::ShellJoin(words);
  std::string out;
  for (char c : line) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}

absl::StatusOr<Joblog> Joblog::Open(const std::string& path, bool fresh,
                                    journal::IdSet done) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (fresh ? O_TRUNC : O_APPEND);
  int fd = open(path.c_str(), flags, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open --joblog=", path, ": ", strerror(errno)));
  }
  Joblog log(fd, std::move(done));
  if (fresh || lseek(fd, 0, SEEK_END) == 0) log.buffer_.append(kHeader.data(), kHeader.size());
  return log;
}

Joblog::Joblog(Joblog&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      done_(std::move(other.done_)),
      buffer_(std::move(other.buffer_)) {}

Joblog::~Joblog() {
  (void)Flush();
  if (fd_ >= 0) close(fd_);
}

void Joblog::Add(const proto::RecordView& record, double now_seconds) {
  if (!done_.Add(record.id)) return;  // a line for it exists
  const double runtime = static_cast<double>(record.elapsed_us) / 1e6;
  const ExitColumns exit = ExitColumnsOf(record);
  absl::StrAppendFormat(&buffer_, "%d\t:\t%.3f\t%10.3f\t0\t0\t%d\t%d\t%s\n",
                        record.id + 1, now_seconds - runtime, runtime,
                        exit.exitval, exit.signal, CommandColumn(record));
}

absl::Status Joblog::Flush() {
  size_t done = 0;
  while (done < buffer_.size() && fd_ >= 0) {
    ssize_t n = write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      buffer_.clear();
      return absl::UnavailableError(absl::StrCat("--joblog: ", strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return absl::OkStatus();
}

}  // namespace taskfarm::logger
