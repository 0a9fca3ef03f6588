#include "master/input/json_line.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {

bool IsJsonLine(absl::string_view line) {
  // A plain loop: find_first_not_of builds a table on every call, which
  // cost more than the rest of a short line's check.
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return c == '{';
  }
  return false;
}

absl::Status JsonToWords(absl::string_view line, std::vector<Word>* words,
                         std::string* storage) {
  words->clear();
  storage->clear();
  nlohmann::json task = nlohmann::json::parse(line.begin(), line.end(),
                                              /*cb=*/nullptr,
                                              /*allow_exceptions=*/false);
  if (task.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (!task.is_object()) {
    return absl::InvalidArgumentError("a JSON task must be an object");
  }
  for (const auto& [key, value] : task.items()) {
    if (key != "task" && key != "args") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown key \"", key, "\" (a JSON task has \"task\" and \"args\")"));
    }
  }
  auto kind = task.find("task");
  if (kind == task.end() || !kind->is_string()) {
    return absl::InvalidArgumentError("a JSON task needs \"task\": \"KIND\"");
  }
  std::vector<std::pair<size_t, size_t>> spans;  // into storage
  auto add = [&](const std::string& text) {
    spans.emplace_back(storage->size(), text.size());
    storage->append(text);
  };
  add(kind->get<std::string>());
  auto args = task.find("args");
  if (args != task.end()) {
    if (!args->is_array()) {
      return absl::InvalidArgumentError("\"args\" must be an array");
    }
    for (const nlohmann::json& a : *args) {
      if (a.is_string()) {
        add(a.get<std::string>());
      } else if (a.is_number_unsigned()) {
        add(absl::StrCat(a.get<uint64_t>()));
      } else if (a.is_number_integer()) {
        add(absl::StrCat(a.get<int64_t>()));
      } else if (a.is_number_float()) {
        add(a.dump());
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "argument ", spans.size(), " is ", a.type_name(),
            "; arguments are numbers or strings"));
      }
    }
  }
  for (auto [offset, length] : spans) {
    words->push_back({absl::string_view(*storage).substr(offset, length), true});
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::master
