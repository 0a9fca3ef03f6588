#include "logger/progress_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace taskfarm::logger {
namespace {

constexpr std::chrono::milliseconds kMinRedraw{100};

void WriteAll(int fd, absl::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(fd, s.data(), s.size());
    if (n <= 0) return;  // a progress line is not worth failing for
    s.remove_prefix(static_cast<size_t>(n));
  }
}

// 1234567 -> "1,234,567".
std::string Grouped(uint64_t n) {
  std::string digits = absl::StrCat(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Rate(double per_second) {
  if (per_second >= 1e6) return absl::StrFormat("%.1fM/s", per_second / 1e6);
  if (per_second >= 1e4) return absl::StrFormat("%.1fk/s", per_second / 1e3);
  return absl::StrFormat("%.0f/s", per_second);
}

std::string Clock(double seconds) {
  uint64_t s = static_cast<uint64_t>(seconds + 0.5);
  if (s >= 3600) return absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

}  // namespace

void ProgressLine::Update(const proto::Progress& p, base::Instant now) {
  if (!have_figures_) {
    rate_done_ = p.done;
    rate_at_ = now;
  } else {
    const double dt = std::chrono::duration<double>(now - rate_at_).count();
    if (dt >= 0.25) {
      const double instant = static_cast<double>(p.done - std::min(p.done, rate_done_)) / dt;
      rate_ = rate_ == 0 ? instant : 0.7 * rate_ + 0.3 * instant;
      rate_done_ = p.done;
      rate_at_ = now;
    }
  }
  last_ = p;
  have_figures_ = true;
}

int ProgressLine::Width() const {
  winsize ws{};
  if (ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 80;
}

std::string ProgressLine::Render(int width) const {
  const uint64_t total = last_.total;
  const uint64_t done = std::min(last_.done, total > 0 ? total : last_.done);
  const double fraction =
      total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0;
  std::string head = absl::StrFormat("%s/%s %3d%% ", Grouped(done), Grouped(total),
                                     static_cast<int>(fraction * 100));
  std::string tail = absl::StrCat(" ", Rate(rate_));
  if (rate_ > 0 && total > done) {
    absl::StrAppend(&tail, "  ETA ", Clock(static_cast<double>(total - done) / rate_));
  }
  if (last_.failed > 0) absl::StrAppend(&tail, "  ", Grouped(last_.failed), " failed");
  absl::StrAppend(&tail, "  ", last_.workers, last_.workers == 1 ? " worker" : " workers");
  // The bar takes what is left, within reason.
  int bar = width - 1 - static_cast<int>(head.size() + tail.size()) - 2;
  bar = std::min(bar, 40);
  if (bar < 5) return (head + tail).substr(0, static_cast<size_t>(std::max(width - 1, 0)));
  int filled = static_cast<int>(fraction * bar);
  std::string line = head + "[";
  for (int i = 0; i < bar; ++i) {
    line.push_back(i < filled ? '=' : i == filled ? '>' : ' ');
  }
  return line + "]" + tail;
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  WriteAll(fd_, "\r\033[K");
  drawn_ = false;
}

void ProgressLine::Draw(base::Instant now, bool force) {
  if (!have_figures_ || (!force && drawn_ && now - drawn_at_ < kMinRedraw)) return;
  WriteAll(fd_, absl::StrCat("\r\033[K", Render(Width())));
  drawn_ = true;
  drawn_at_ = now;
}

void ProgressLine::Finish(base::Instant now) {
  if (!have_figures_) return;
  Draw(now, /*force=*/true);
  WriteAll(fd_, "\n");
  drawn_ = false;
}

}  // namespace taskfarm::logger
