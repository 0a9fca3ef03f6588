#include "master/template/input_groups.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"

namespace taskfarm::master {
namespace {

absl::StatusOr<std::string> ReadAll(int fd, absl::string_view name) {
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot read ", name, ": ", strerror(errno)));
    }
    if (n == 0) return data;
    data.append(buffer, static_cast<size_t>(n));
  }
}

absl::StatusOr<ValueList> ReadValues(const std::string& path,
                                                    int stdin_fd,
                                                    bool* stdin_used) {
  if (path == "-") {
    if (*stdin_used) {
      return absl::InvalidArgumentError("standard input (-) named twice");
    }
    *stdin_used = true;
    absl::StatusOr<std::string> data = ReadAll(stdin_fd, "standard input");
    if (!data.ok()) return data.status();
    return ValueList::Lines(*std::move(data));
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::string message = absl::StrCat(path, ": ", strerror(errno));
    return errno == ENOENT ? absl::NotFoundError(message)
                           : absl::UnavailableError(message);
  }
  absl::StatusOr<std::string> data = ReadAll(fd, path);
  close(fd);
  if (!data.ok()) return data.status();
  return ValueList::Lines(*std::move(data));
}

}  // namespace

ValueList ValueList::Lines(std::string text) {
  if (text.empty()) return ValueList();
  if (text.back() == '\n') text.pop_back();
  return Records(std::move(text));
}

ValueList ValueList::Records(std::string text) {
  ValueList list;
  for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
    list.ends_.push_back(at);
  }
  list.ends_.push_back(text.size());
  list.text_ = std::move(text);
  return list;
}

void ValueList::Append(const ValueList& other) {
  if (other.size() == 0) return;
  const size_t base = ends_.empty() ? 0 : text_.size() + 1;
  if (!ends_.empty()) text_ += '\n';
  text_ += other.text_;
  for (size_t end : other.ends_) ends_.push_back(base + end);
}

bool IsSourceSeparator(absl::string_view word) {
  return word == ":::" || word == ":::+" || word == "::::" || word == "::::+";
}

absl::Status InputGroups::AddSource(ValueList values,
                                    bool linked, absl::string_view separator) {
  if (linked && groups_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        separator, " links to the input source before it, and there is none"));
  }
  if (!linked) groups_.push_back({.first = sources_.size(), .length = values.size()});
  Group& g = groups_.back();
  g.length = std::min(g.length, values.size());
  ++g.count;
  sources_.push_back(std::move(values));
  return absl::OkStatus();
}

absl::StatusOr<InputGroups> InputGroups::Parse(
    const std::vector<std::string>& words,
    const std::vector<std::string>& arg_files, int stdin_fd) {
  InputGroups in;
  bool stdin_used = false;
  for (const std::string& file : arg_files) {
    absl::StatusOr<ValueList> values = ReadValues(file, stdin_fd, &stdin_used);
    if (!values.ok()) return values.status();
    if (absl::Status s = in.AddSource(*std::move(values), false, "-a"); !s.ok()) {
      return s;
    }
  }
  size_t i = 0;
  if (i < words.size() && !IsSourceSeparator(words[i])) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", words[i], "\": expected :::, :::+, :::: or ::::+"));
  }
  while (i < words.size()) {
    const std::string separator = words[i++];
    const bool linked = separator.back() == '+';
    const bool files = absl::StartsWith(separator, "::::");
    std::vector<std::string> args;
    while (i < words.size() && !IsSourceSeparator(words[i])) args.push_back(words[i++]);
    if (!files) {
      // Parallel reads ::: values as records: a newline ends one, and
      // "a\n" is "a" and "".
      ValueList values;
      for (const std::string& a : args) values.Append(ValueList::Records(a));
      if (absl::Status s = in.AddSource(std::move(values), linked, separator);
          !s.ok()) {
        return s;
      }
      continue;
    }
    if (args.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(separator, " needs a FILE"));
    }
    for (size_t f = 0; f < args.size(); ++f) {
      absl::StatusOr<ValueList> values = ReadValues(args[f], stdin_fd, &stdin_used);
      if (!values.ok()) return values.status();
      // Only the first file of "::::+ A B" links; B starts a source of its own.
      if (absl::Status s = in.AddSource(*std::move(values), linked && f == 0, separator);
          !s.ok()) {
        return s;
      }
    }
  }
  return in;
}

absl::StatusOr<InputGroups> InputGroups::FromStdin(int stdin_fd) {
  return Parse({"::::", "-"}, {}, stdin_fd);
}

uint64_t InputGroups::job_count() const {
  if (groups_.empty()) return 0;
  uint64_t total = 1;
  for (const Group& g : groups_) {
    if (g.length == 0) return 0;
    if (total > std::numeric_limits<uint64_t>::max() / g.length) {
      total = std::numeric_limits<uint64_t>::max();
    } else {
      total *= g.length;
    }
  }
  return total;
}

bool JobIterator::Next(Job* job) {
  const std::vector<InputGroups::Group>& groups = groups_->groups_;
  if (done_ || groups.empty()) return false;
  if (position_.empty()) {
    for (const InputGroups::Group& g : groups) {
      if (g.length == 0) {
        done_ = true;
        return false;
      }
    }
    position_.assign(groups.size(), 0);
  } else {
    // Odometer: the last group varies fastest.
    size_t g = groups.size();
    while (g > 0) {
      --g;
      if (++position_[g] < groups[g].length) break;
      position_[g] = 0;
      if (g == 0) {
        done_ = true;
        return false;
      }
    }
  }
  job->seq = ++seq_;
  job->values.clear();
  for (size_t g = 0; g < groups.size(); ++g) {
    for (size_t s = 0; s < groups[g].count; ++s) {
      job->values.push_back(groups_->sources_[groups[g].first + s][position_[g]]);
    }
  }
  return true;
}

}  // namespace taskfarm::master
