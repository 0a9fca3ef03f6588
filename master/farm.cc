#include "master/farm.h"

#include <nlohmann/json.hpp>

#include "master/callback_sink.h"
#include "master/session.h"

namespace taskfarm {

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
  master::CallbackSink sink(std::move(on_result));
  return master::Session(WithSubmitted(), &sink).Run();
}

int Farm::Run() {
  if (submitted_.empty()) {
    return master::Session(options_).Run();
  }
  return master::Session(WithSubmitted()).Run();
}

}  // namespace taskfarm
