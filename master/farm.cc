#include "master/farm.h"

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "master/callback_sink.h"
#include "master/flag_checks.h"
#include "master/session.h"

namespace taskfarm {
namespace {

// The range checks the master binary applies to its flags; false, having
// said on stderr which setting (by its flag's name) is out of range.
bool InRange(const FarmOptions& options) {
  std::vector<std::string> advice;  // for the command line, not a library
  absl::Status s = master::CheckRanges(options, &advice);
  if (s.ok()) return true;
  std::fprintf(stderr, "taskfarm: %s\n", std::string(s.message()).c_str());
  return false;
}

}  // namespace

Farm::Farm(FarmOptions options) : options_(std::move(options)) {}

void Farm::Submit(absl::string_view kind, const std::vector<std::string>& args) {
  // A JSON line (master/input/json_line.h): every argument is one word,
  // whatever it holds.
  nlohmann::json line = {{"task", std::string(kind)}, {"args", args}};
  submitted_ += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  submitted_ += '\n';
}

void Farm::SubmitLine(absl::string_view line) {
  submitted_.append(line.data(), line.size());
  submitted_ += '\n';
}

FarmOptions Farm::WithSubmitted() const {
  FarmOptions options = options_;
  options.inputs.insert(options.inputs.begin(),
                        master::InputSpec{.text = submitted_,
                                          .is_text = true,
                                          .lines_only = true,
                                          .name = "submitted"});
  return options;
}

int Farm::Run(std::function<void(const Result&)> on_result) {
  if (!InRange(options_)) return master::kExitUsage;
  master::CallbackSink sink(std::move(on_result));
  return master::Session(WithSubmitted(), &sink).Run();
}

int Farm::Run() {
  if (!InRange(options_)) return master::kExitUsage;
  if (submitted_.empty()) {
    return master::Session(options_).Run();
  }
  return master::Session(WithSubmitted()).Run();
}

}  // namespace taskfarm
