#include "proto/codec.h"

#include <tuple>
#include <type_traits>
#include <utility>

#include <msgpack.hpp>

#include "absl/strings/str_cat.h"
#include "proto/internal/unpack.h"

namespace taskfarm::proto {
namespace {

using internal::Convert;

// The fields of each message, in wire order. One list serves both ways.
auto Fields(Hello& m) {
  return std::tie(m.worker_id, m.pid, m.host, m.cores, m.version, m.kinds);
}
auto Fields(Welcome& m) {
  return std::tie(m.heartbeat_ms, m.liveness, m.timeout_ms, m.max_memory_mb,
                  m.results_dir);
}
auto Fields(Tasks& m) { return std::tie(m.batch_id, m.count); }
auto Fields(Results& m) {
  return std::tie(m.batch_id, m.offset, m.count, m.elapsed_us, m.by_status);
}
auto Fields(Fatal& m) {
  return std::tie(m.batch_id, m.index, m.kind, m.reason);
}
auto Fields(Heartbeat& m) {
  return std::tie(m.worker_id, m.batch_id, m.index, m.running_ms, m.rss_kb,
                  m.batches);
}
auto Fields(Shutdown& m) { return std::tie(m.reason); }
auto Fields(LoggerHello& m) { return std::tie(m.pid); }
auto Fields(LoggerWelcome& m) { return std::tie(m.total); }
auto Fields(Log& m) { return std::tie(m.seq); }
auto Fields(Ack& m) { return std::tie(m.seq); }
auto Fields(Progress& m) {
  return std::tie(m.total, m.done, m.failed, m.workers, m.elapsed_ms);
}
auto Fields(Rejoin& m) { return std::tie(m.reason); }
auto Fields(BadBatch& m) { return std::tie(m.batch_id, m.reason); }
auto Fields(TaskKind& m) { return std::tie(m.name, m.signature, m.doc); }

// Message index in the variant <-> wire type.
constexpr MessageType kTypes[] = {
    MessageType::kHello,       MessageType::kWelcome,
    MessageType::kTasks,       MessageType::kResults,
    MessageType::kFatal,       MessageType::kHeartbeat,
    MessageType::kShutdown,    MessageType::kLoggerHello,
    MessageType::kLoggerWelcome, MessageType::kLog,
    MessageType::kAck,         MessageType::kProgress,
    MessageType::kRejoin,      MessageType::kBadBatch,
};
static_assert(std::size(kTypes) == std::variant_size_v<Message>);

template <typename Packer, typename T>
void PackField(Packer& pk, const T& value);

template <typename Packer, typename Tuple>
void PackTuple(Packer& pk, const Tuple& fields) {
  pk.pack_array(static_cast<uint32_t>(std::tuple_size_v<Tuple>));
  std::apply([&](const auto&... f) { (PackField(pk, f), ...); }, fields);
}

template <typename Packer, typename T>
void PackField(Packer& pk, const T& value) {
  if constexpr (std::is_enum_v<T>) {
    pk.pack(static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_same_v<T, TaskKind>) {
    PackTuple(pk, Fields(const_cast<TaskKind&>(value)));
  } else if constexpr (std::is_same_v<T, std::vector<TaskKind>>) {
    pk.pack_array(static_cast<uint32_t>(value.size()));
    for (const TaskKind& k : value) PackField(pk, k);
  } else {
    pk.pack(value);
  }
}

absl::Status ConvertField(const msgpack::object& obj, TaskKind* out);

// How many values each enum field may take (0 .. count - 1).
constexpr int EnumCount(FatalKind) { return kFatalKindCount; }

template <typename T>
absl::Status ConvertField(const msgpack::object& obj, T* out) {
  if constexpr (std::is_enum_v<T>) {
    std::underlying_type_t<T> raw;
    if (absl::Status s = Convert(obj, &raw, "enum"); !s.ok()) return s;
    if (raw >= EnumCount(T{})) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad frame: unknown enum value ", raw));
    }
    *out = static_cast<T>(raw);
    return absl::OkStatus();
  } else if constexpr (std::is_same_v<T, std::vector<TaskKind>>) {
    if (obj.type != msgpack::type::ARRAY) {
      return absl::InvalidArgumentError("bad frame: task kinds not an array");
    }
    out->resize(obj.via.array.size);
    for (uint32_t i = 0; i < obj.via.array.size; ++i) {
      if (absl::Status s = ConvertField(obj.via.array.ptr[i], &(*out)[i]);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  } else if constexpr (std::is_same_v<T, std::array<uint32_t,
                                                    kTaskStatusCount>>) {
    if (obj.type != msgpack::type::ARRAY ||
        obj.via.array.size != kTaskStatusCount) {
      return absl::InvalidArgumentError("bad frame: status counts");
    }
    return Convert(obj, out, "status counts");
  } else {
    return Convert(obj, out, "field");
  }
}

// Fills `fields` from the array elements starting at `first`.
template <typename Tuple>
absl::Status ConvertTuple(const msgpack::object& array, uint32_t first,
                          Tuple fields) {
  constexpr uint32_t kCount = std::tuple_size_v<Tuple>;
  if (array.type != msgpack::type::ARRAY ||
      array.via.array.size != first + kCount) {
    return absl::InvalidArgumentError("bad frame: wrong number of fields");
  }
  absl::Status status;
  uint32_t i = first;
  std::apply(
      [&](auto&... f) {
        ((status.ok() ? (status = ConvertField(array.via.array.ptr[i++], &f),
                         void())
                      : void()),
         ...);
      },
      fields);
  return status;
}

absl::Status ConvertField(const msgpack::object& obj, TaskKind* out) {
  return ConvertTuple(obj, 0, Fields(*out));
}

constexpr internal::Limits kHeaderLimits{
    .max_bytes = kMaxHeaderBytes,
    .array = 4096,
    .str = kMaxHeaderStringBytes,
    .depth = 4};

// Validates [version, type, ...] and returns the type.
absl::StatusOr<MessageType> CheckEnvelope(const msgpack::object& obj) {
  if (obj.type != msgpack::type::ARRAY || obj.via.array.size < 2) {
    return absl::InvalidArgumentError("bad frame: not a message envelope");
  }
  uint32_t version;
  uint8_t type;
  if (!Convert(obj.via.array.ptr[0], &version, "version").ok() ||
      !Convert(obj.via.array.ptr[1], &type, "type").ok()) {
    return absl::InvalidArgumentError("bad frame: not a message envelope");
  }
  if (version != kProtocolVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("protocol version ", version, ", expected ",
                     kProtocolVersion));
  }
  for (MessageType t : kTypes) {
    if (static_cast<uint8_t>(t) == type) return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("bad frame: unknown message type ", type));
}

template <size_t I = 0>
absl::StatusOr<Message> DecodeAs(MessageType type, const msgpack::object& obj) {
  if constexpr (I == std::variant_size_v<Message>) {
    return absl::InvalidArgumentError("bad frame: unknown message type");
  } else {
    if (kTypes[I] != type) return DecodeAs<I + 1>(type, obj);
    std::variant_alternative_t<I, Message> message;
    if (absl::Status s = ConvertTuple(obj, 2, Fields(message)); !s.ok()) {
      return s;
    }
    return Message{std::move(message)};
  }
}

}  // namespace

std::string Codec::Encode(const Message& message) {
  msgpack::sbuffer buffer(256);
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  std::visit(
      [&](const auto& m) {
        auto fields = Fields(const_cast<std::decay_t<decltype(m)>&>(m));
        constexpr uint32_t kCount = std::tuple_size_v<decltype(fields)>;
        pk.pack_array(2 + kCount);
        pk.pack(kProtocolVersion);
        pk.pack(static_cast<uint8_t>(kTypes[message.index()]));
        std::apply([&](const auto&... f) { (PackField(pk, f), ...); }, fields);
      },
      message);
  return std::string(buffer.data(), buffer.size());
}

absl::StatusOr<Message> Codec::Decode(absl::string_view frame) {
  msgpack::zone zone;
  absl::StatusOr<msgpack::object> obj =
      internal::Unpack(zone, frame, kHeaderLimits);
  if (!obj.ok()) return obj.status();
  absl::StatusOr<MessageType> type = CheckEnvelope(*obj);
  if (!type.ok()) return type.status();
  return DecodeAs(*type, *obj);
}

absl::StatusOr<MessageType> Codec::PeekType(absl::string_view frame) {
  if (frame.size() > kMaxHeaderBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad frame: ", frame.size(), " bytes, more than ",
                     kMaxHeaderBytes));
  }
  // What Encode writes: a fixarray of at least two elements whose first two
  // are positive fixints. Anything else is unpacked in full.
  const auto* p = reinterpret_cast<const unsigned char*>(frame.data());
  if (frame.size() >= 3 && (p[0] & 0xf0) == 0x90 && (p[0] & 0x0f) >= 2 &&
      p[1] < 0x80 && p[2] < 0x80) {
    if (p[1] != kProtocolVersion) {
      return absl::InvalidArgumentError(absl::StrCat(
          "protocol version ", int{p[1]}, ", expected ", kProtocolVersion));
    }
    for (MessageType t : kTypes) {
      if (static_cast<uint8_t>(t) == p[2]) return t;
    }
    return absl::InvalidArgumentError(
        absl::StrCat("bad frame: unknown message type ", int{p[2]}));
  }
  msgpack::zone zone;
  absl::StatusOr<msgpack::object> obj =
      internal::Unpack(zone, frame, kHeaderLimits);
  if (!obj.ok()) return obj.status();
  return CheckEnvelope(*obj);
}

}  // namespace taskfarm::proto
