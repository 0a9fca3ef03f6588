#include "master/input/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

constexpr uint32_t kMagic = 0x50534654;  // "TFSP" in a little-endian file
// A kTasks block is written once it holds this many bytes.
constexpr size_t kBlockBytes = 64 << 10;
// No block is larger (a 16 MiB line encodes to well below it).
constexpr uint64_t kMaxPayloadBytes = uint64_t{1} << 30;

struct Header {
  uint32_t magic;
  uint32_t type;
  uint64_t first_id;
  uint64_t count;
  uint64_t payload_bytes;
  uint64_t checksum;
};
static_assert(sizeof(Header) == 40, "the header has no padding");

struct RangeRecord {
  uint32_t position;
  uint32_t is_unsigned;
  uint64_t lo;
  uint64_t hi;
};
static_assert(sizeof(RangeRecord) == 24, "a range record has no padding");

uint64_t Checksum(const Header& h, absl::string_view payload) {
  return absl::HashOf(h.magic, h.type, h.first_id, h.count, h.payload_bytes,
                      payload);
}

template <typename T>
void AppendPod(std::string* out, const T& value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(value));
}

// Reads up to `n` bytes; fewer only at the end of the file.
ssize_t ReadFull(int fd, char* data, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, data + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return static_cast<ssize_t>(got);
}

}  // namespace

// --- SpoolWriter -----------------------------------------------------------

absl::StatusOr<std::unique_ptr<SpoolWriter>> SpoolWriter::Create(
    const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot create the input spool ", path, ": ",
                     strerror(errno)));
  }
  return std::unique_ptr<SpoolWriter>(new SpoolWriter(fd, path));
}

SpoolWriter::SpoolWriter(int fd, std::string path)
    : fd_(fd), path_(std::move(path)) {}

SpoolWriter::~SpoolWriter() {
  if (fd_ >= 0) close(fd_);
}

absl::Status SpoolWriter::AddLine(const TaskLine& line) {
  if (!error_.ok()) return error_;
  if (line.count() == 1) {
    tasks_.Add(next_id_++, line.kind(), line.values(), /*attempt=*/1);
    ends_.push_back(static_cast<uint32_t>(tasks_.elements().size()));
  } else {
    first_.Clear();
    first_.Add(next_id_, line.kind(), line.values(), /*attempt=*/1);
    const absl::string_view frame = first_.Finish();
    if (line.count() <= kExpandLimit &&
        line.count() * frame.size() <= kBlockBytes) {
      line.First(&args_);
      do {
        tasks_.Add(next_id_++, line.kind(), args_, /*attempt=*/1);
        ends_.push_back(static_cast<uint32_t>(tasks_.elements().size()));
      } while (line.Next(&args_));
    } else {
      if (absl::Status s = FlushTasks(); !s.ok()) return s;
      std::string payload;
      AppendPod(&payload, static_cast<uint32_t>(line.ranges().size()));
      for (const ArgRange& r : line.ranges()) {
        AppendPod(&payload, RangeRecord{r.position, r.is_unsigned, r.lo, r.hi});
      }
      payload.append(frame.data(), frame.size());
      if (absl::Status s =
              WriteBlock(SpoolBlock::kRange, next_id_, line.count(), payload);
          !s.ok()) {
        return s;
      }
      next_id_ += line.count();
      block_first_id_ = next_id_;
    }
  }
  if (tasks_.elements().size() >= kBlockBytes) return FlushTasks();
  return absl::OkStatus();
}

absl::Status SpoolWriter::FlushTasks() {
  if (ends_.empty()) return absl::OkStatus();
  std::string payload;
  payload.reserve(ends_.size() * sizeof(uint32_t) + tasks_.elements().size());
  payload.append(reinterpret_cast<const char*>(ends_.data()),
                 ends_.size() * sizeof(uint32_t));
  payload.append(tasks_.elements().data(), tasks_.elements().size());
  absl::Status s =
      WriteBlock(SpoolBlock::kTasks, block_first_id_, ends_.size(), payload);
  tasks_.Clear();
  ends_.clear();
  block_first_id_ = next_id_;
  return s;
}

absl::Status SpoolWriter::Finish() {
  if (!error_.ok()) return error_;
  if (absl::Status s = FlushTasks(); !s.ok()) return s;
  if (absl::Status s = WriteBlock(SpoolBlock::kEnd, next_id_, 0, ""); !s.ok()) {
    return s;
  }
  if (close(std::exchange(fd_, -1)) != 0) {
    error_ = absl::UnavailableError(absl::StrCat(
        "cannot write the input spool ", path_, ": ", strerror(errno)));
  }
  return error_;
}

absl::Status SpoolWriter::WriteBlock(uint32_t type, uint64_t first_id,
                                     uint64_t count,
                                     absl::string_view payload) {
  if (!error_.ok()) return error_;
  Header h{kMagic, type, first_id, count, payload.size(), 0};
  h.checksum = Checksum(h, payload);
  block_.clear();
  AppendPod(&block_, h);
  block_.append(payload.data(), payload.size());
  for (size_t done = 0; done < block_.size();) {
    ssize_t w = write(fd_, block_.data() + done, block_.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      error_ = absl::UnavailableError(absl::StrCat(
          "cannot write the input spool ", path_, ": ", strerror(errno)));
      return error_;
    }
    done += static_cast<size_t>(w);
  }
  return absl::OkStatus();
}

// --- SpoolReader -----------------------------------------------------------

absl::StatusOr<std::unique_ptr<SpoolReader>> SpoolReader::Open(
    const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    absl::Status s = absl::UnavailableError(absl::StrCat(
        "cannot read the input spool ", path, ": ", strerror(errno)));
    if (fd >= 0) close(fd);
    return s;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<SpoolReader>(
      new SpoolReader(fd, path, static_cast<uint64_t>(st.st_size)));
}

SpoolReader::SpoolReader(int fd, std::string path, uint64_t size)
    : fd_(fd), path_(std::move(path)), left_(size) {}

SpoolReader::~SpoolReader() { close(fd_); }

absl::Status SpoolReader::Corrupt(absl::string_view what) const {
  return absl::DataLossError(
      absl::StrCat("input spool ", path_, ": ", what, " (after ", next_id_,
                   " tasks)"));
}

absl::Status SpoolReader::Next(SpoolBlock* block) {
  Header h;
  ssize_t got = ReadFull(fd_, reinterpret_cast<char*>(&h), sizeof(h));
  if (got < 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot read the input spool ", path_, ": ", strerror(errno)));
  }
  if (got == 0) return Corrupt("ends without its end block");
  if (static_cast<size_t>(got) < sizeof(h)) return Corrupt("ends in a header");
  left_ -= static_cast<uint64_t>(got);
  if (h.magic != kMagic) return Corrupt("not a block header");
  if (h.payload_bytes > kMaxPayloadBytes || h.payload_bytes > left_) {
    return Corrupt(absl::StrCat("a block claims ", h.payload_bytes,
                                " bytes; ", left_, " are left"));
  }
  payload_.resize(h.payload_bytes);
  got = ReadFull(fd_, payload_.data(), payload_.size());
  if (got < 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot read the input spool ", path_, ": ", strerror(errno)));
  }
  if (static_cast<uint64_t>(got) < h.payload_bytes) {
    return Corrupt("ends in a block");
  }
  left_ -= h.payload_bytes;
  const uint64_t sum = h.checksum;
  h.checksum = 0;
  if (Checksum(h, payload_) != sum) return Corrupt("a block's checksum fails");
  if (h.first_id != next_id_) {
    return Corrupt(absl::StrCat("a block starts at task ", h.first_id));
  }
  block->type = static_cast<SpoolBlock::Type>(h.type);
  block->first_id = h.first_id;
  block->count = h.count;
  switch (h.type) {
    case SpoolBlock::kTasks: {
      const uint64_t table = h.count * sizeof(uint32_t);
      if (h.count == 0 || h.count > h.payload_bytes / sizeof(uint32_t)) {
        return Corrupt("a task block's count does not fit it");
      }
      block->ends.resize(h.count);
      std::memcpy(block->ends.data(), payload_.data(), table);
      block->tasks = absl::string_view(payload_).substr(table);
      uint32_t start = 0;
      for (uint32_t end : block->ends) {
        if (end <= start) return Corrupt("a task block's offsets go back");
        start = end;
      }
      if (start != block->tasks.size()) {
        return Corrupt("a task block's offsets miss its end");
      }
      break;
    }
    case SpoolBlock::kRange:
      if (absl::Status s = ReadRange(block); !s.ok()) return s;
      break;
    case SpoolBlock::kEnd:
      if (h.count != 0 || h.payload_bytes != 0) {
        return Corrupt("a bad end block");
      }
      if (left_ != 0) return Corrupt("goes on after its end block");
      return absl::OkStatus();
    default:
      return Corrupt(absl::StrCat("a block of unknown type ", h.type));
  }
  next_id_ += h.count;
  return absl::OkStatus();
}

absl::Status SpoolReader::ReadRange(SpoolBlock* block) {
  absl::string_view rest = payload_;
  uint32_t n;
  if (rest.size() < sizeof(n)) return Corrupt("a range block is short");
  std::memcpy(&n, rest.data(), sizeof(n));
  rest.remove_prefix(sizeof(n));
  if (n == 0 || n > proto::kMaxArgs || rest.size() / sizeof(RangeRecord) < n) {
    return Corrupt("a range block's range count does not fit it");
  }
  block->ranges.clear();
  uint64_t count = 1;
  for (uint32_t i = 0; i < n; ++i) {
    RangeRecord r;
    std::memcpy(&r, rest.data(), sizeof(r));
    rest.remove_prefix(sizeof(r));
    ArgRange range{r.position, r.is_unsigned != 0, r.lo, r.hi};
    const bool backwards = range.is_unsigned
                               ? range.hi < range.lo
                               : static_cast<int64_t>(range.hi) <
                                     static_cast<int64_t>(range.lo);
    if (backwards || r.is_unsigned > 1 || range.span() >= kMaxLineTasks ||
        range.span() + 1 > kMaxLineTasks / count ||
        (i > 0 && range.position <= block->ranges.back().position)) {
      return Corrupt("a range block holds a bad range");
    }
    count *= range.span() + 1;
    block->ranges.push_back(range);
  }
  if (count != block->count) {
    return Corrupt("a range block's ranges do not make its count");
  }
  if (!frame_.Open(rest).ok() || frame_.size() != 1 ||
      !frame_.Get(0, &task_).ok() || task_.id != block->first_id ||
      task_.attempt != 1 ||
      block->ranges.back().position >= task_.args.size()) {
    return Corrupt("a range block's first task is bad");
  }
  block->kind = task_.kind_index;
  block->args = task_.args;
  return absl::OkStatus();
}

}  // namespace taskfarm::master
