#include "master/callback_sink.h"

#include <charconv>
#include <string>
#include <type_traits>
#include <variant>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

std::string ArgText(const proto::Value& value) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, absl::string_view>) {
          return std::string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          char digits[32];
          auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), x);
          return std::string(digits, end);
        } else {
          return absl::StrCat(x);
        }
      },
      value);
}

}  // namespace

void CallbackSink::Push(zmq::message_t body) {
  const absl::string_view frame(static_cast<const char*>(body.data()), body.size());
  if (!reader_.Open(frame).ok()) {
    ++dropped_;
    return;
  }
  for (size_t i = 0; i < reader_.size(); ++i) {
    if (!reader_.Get(i, &view_).ok() || !delivered_.Add(view_.id)) {
      ++dropped_;
      continue;
    }
    result_.id = view_.id;
    result_.task.assign(view_.kind.data(), view_.kind.size());
    result_.args.clear();
    for (const proto::Value& v : view_.args) result_.args.push_back(ArgText(v));
    result_.status = proto::TaskStatusName(view_.status);
    result_.result.assign(view_.result.data(), view_.result.size());
    result_.worker_pid = view_.worker_pid;
    result_.attempts = view_.attempts;
    result_.elapsed =
        std::chrono::microseconds(static_cast<int64_t>(view_.elapsed_us));
    callback_(result_);
  }
}

}  // namespace taskfarm::master
