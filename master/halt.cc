#include "master/halt.h"

#include <cmath>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace taskfarm::master {

absl::StatusOr<HaltPolicy> HaltPolicy::Parse(absl::string_view spec) {
  HaltPolicy p;
  if (spec == "never" || spec.empty()) return p;
  auto bad = [&spec](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--halt=", spec, ": ", why,
        " (use never, or now|soon,fail=N|N%, or now|soon,success=N|N%)"));
  };
  std::vector<absl::string_view> parts = absl::StrSplit(spec, ',');
  if (parts.size() != 2) return bad("two parts expected");
  if (parts[0] == "now") {
    p.when = When::kNow;
  } else if (parts[0] == "soon") {
    p.when = When::kSoon;
  } else {
    return bad("when must be now or soon");
  }
  absl::string_view cond = parts[1];
  if (absl::ConsumePrefix(&cond, "fail=")) {
    p.on_success = false;
  } else if (absl::ConsumePrefix(&cond, "success=")) {
    p.on_success = true;
  } else {
    return bad("the condition must be fail= or success=");
  }
  if (absl::ConsumeSuffix(&cond, "%")) {
    if (!absl::SimpleAtod(cond, &p.percent) || !(p.percent > 0) || p.percent > 100) {
      return bad("the share must be a percentage in (0, 100]");
    }
  } else if (!absl::SimpleAtoi(cond, &p.count) || p.count == 0) {
    return bad("the count must be a positive integer");
  }
  return p;
}

bool HaltPolicy::Triggered(uint64_t failed, uint64_t succeeded,
                           uint64_t total) const {
  if (when == When::kNever) return false;
  uint64_t n = on_success ? succeeded : failed;
  if (n == 0) return false;
  if (count > 0) return n >= count;
  double needed = std::ceil(percent / 100.0 * static_cast<double>(total));
  return static_cast<double>(n) >= std::max(needed, 1.0);
}

std::string HaltPolicy::ToString() const {
  if (when == When::kNever) return "never";
  return absl::StrCat(when == When::kNow ? "now" : "soon", ",",
                      on_success ? "success=" : "fail=",
                      count > 0 ? absl::StrCat(count) : absl::StrCat(percent, "%"));
}

}  // namespace taskfarm::master
