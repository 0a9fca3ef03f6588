#include "journal/format.h"

namespace taskfarm::journal {

std::optional<Format> ParseFormat(absl::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "jsonl") return Format::kJsonl;
  if (name == "csv") return Format::kCsv;
  return std::nullopt;
}

const char* FormatName(Format format) {
  switch (format) {
    case Format::kText:
      return "text";
    case Format::kJsonl:
      return "jsonl";
    case Format::kCsv:
      return "csv";
  }
  return "?";
}

}  // namespace taskfarm::journal
