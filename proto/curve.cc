#include "proto/curve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace taskfarm::proto {
namespace {

absl::Status OptionError(const zmq::error_t& e, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", e.what()));
}

// The first token of each line that is not blank or a comment, with its line
// number and the rest of the line (a label).
struct KeyLine {
  int number;
  std::string key;
  std::string label;
};
std::vector<KeyLine> KeyLines(const std::string& text) {
  std::vector<KeyLine> lines;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.find_first_of(" \t");
    KeyLine k{number, std::string(line.substr(0, space)), ""};
    if (space != absl::string_view::npos) {
      k.label = std::string(absl::StripAsciiWhitespace(line.substr(space)));
    }
    lines.push_back(std::move(k));
  }
  return lines;
}

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": ", strerror(errno)));
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

absl::StatusOr<CurveKeyPair> NewCurveKeyPair() {
  char pub[kCurveKeyChars + 1] = {}, sec[kCurveKeyChars + 1] = {};
  if (zmq_curve_keypair(pub, sec) != 0) {
    return absl::InternalError(absl::StrCat(
        "cannot make a CURVE key pair (libzmq without CURVE?): ",
        zmq_strerror(zmq_errno())));
  }
  return CurveKeyPair{pub, sec};
}

absl::StatusOr<std::string> CurvePublicKey(absl::string_view secret) {
  if (!IsCurveKey(secret)) {
    return absl::InvalidArgumentError("not a CURVE secret key");
  }
  char pub[kCurveKeyChars + 1] = {};
  std::string sec(secret);
  if (zmq_curve_public(pub, sec.c_str()) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot derive a public key: ", zmq_strerror(zmq_errno())));
  }
  return std::string(pub);
}

bool IsCurveKey(absl::string_view key) {
  if (key.size() != kCurveKeyChars) return false;
  uint8_t binary[32];
  std::string text(key);
  return zmq_z85_decode(binary, text.c_str()) != nullptr;
}

std::string CurveKeyText(absl::string_view binary) {
  if (binary.size() != 32) return "";
  char text[kCurveKeyChars + 1] = {};
  if (zmq_z85_encode(text, reinterpret_cast<const uint8_t*>(binary.data()),
                     binary.size()) == nullptr) {
    return "";
  }
  return text;
}

absl::Status WriteKeyFile(const std::string& path, absl::string_view key,
                          absl::string_view comment, bool secret) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                secret ? 0600 : 0644);
  if (fd < 0) {
    std::string message = absl::StrCat(path, ": ", strerror(errno));
    if (errno == EEXIST) return absl::AlreadyExistsError(message);
    return absl::UnavailableError(message);
  }
  // The umask may have taken bits away from a public key; never added any.
  if (!secret) (void)fchmod(fd, 0644);
  std::string text = absl::StrCat("# ", comment, "\n", key, "\n");
  ssize_t written = write(fd, text.data(), text.size());
  int err = errno;
  if (close(fd) != 0 || written != static_cast<ssize_t>(text.size())) {
    return absl::UnavailableError(absl::StrCat(path, ": ", strerror(err)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path, bool secret) {
  if (secret) {
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      return absl::PermissionDeniedError(absl::StrFormat(
          "%s: a secret key that others may read (mode %04o): chmod 600 %s",
          path, st.st_mode & 07777, path));
    }
  }
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  std::vector<KeyLine> lines = KeyLines(*text);
  if (lines.empty() || !IsCurveKey(lines[0].key)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a CURVE key (40 Z85 characters)"));
  }
  return lines[0].key;
}

absl::Status GenerateKeyDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    if (mkdir(dir.c_str(), 0700) != 0) {
      return absl::UnavailableError(absl::StrCat(dir, ": ", strerror(errno)));
    }
  }
  for (const char* name : {"master.public", "master.secret", "worker.public",
                           "worker.secret", "authorized_workers"}) {
    if (std::filesystem::exists(absl::StrCat(dir, "/", name), ec)) {
      return absl::AlreadyExistsError(absl::StrCat(
          dir, "/", name, " exists: keys are never overwritten (remove them "
          "first, or use another directory)"));
    }
  }
  absl::StatusOr<CurveKeyPair> master = NewCurveKeyPair();
  if (!master.ok()) return master.status();
  absl::StatusOr<CurveKeyPair> worker = NewCurveKeyPair();
  if (!worker.ok()) return worker.status();
  struct File {
    const char* name;
    const std::string& key;
    const char* comment;
    bool secret;
  };
  const File files[] = {
      {"master.public", master->public_key,
       "taskfarm master public key (CURVE, Z85): every worker needs it", false},
      {"master.secret", master->secret_key,
       "taskfarm master SECRET key: keep it on the master's host only", true},
      {"worker.public", worker->public_key,
       "taskfarm worker public key: listed in authorized_workers", false},
      {"worker.secret", worker->secret_key,
       "taskfarm worker SECRET key: for the workers' hosts only", true},
      {"authorized_workers", worker->public_key,
       "worker public keys the master admits, one per line (KEY [label])",
       false},
  };
  for (const File& f : files) {
    if (absl::Status s = WriteKeyFile(absl::StrCat(dir, "/", f.name), f.key,
                                      f.comment, f.secret);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<AllowList> AllowList::Load(const std::string& path) {
  AllowList list;
  list.source_ = path;
  std::error_code ec;
  std::vector<std::string> files;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (entry.is_regular_file() &&
          absl::EndsWith(entry.path().filename().string(), ".public")) {
        files.push_back(entry.path().string());
      }
    }
  } else {
    files.push_back(path);
  }
  for (const std::string& file : files) {
    absl::StatusOr<std::string> text = ReadText(file);
    if (!text.ok()) return text.status();
    for (KeyLine& line : KeyLines(*text)) {
      if (!IsCurveKey(line.key)) {
        return absl::InvalidArgumentError(absl::StrCat(
            file, ":", line.number, ": not a CURVE public key (40 Z85 characters)"));
      }
      list.Add(std::move(line.key),
               line.label.empty() ? file : std::move(line.label));
    }
  }
  return list;
}

const std::string* AllowList::Find(absl::string_view key) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? nullptr : &it->second;
}

absl::Status ApplyCurveServer(zmq::socket_t& socket, absl::string_view secret,
                              absl::string_view domain) {
  try {
    socket.set(zmq::sockopt::curve_server, true);
    socket.set(zmq::sockopt::curve_secretkey, std::string(secret));
    socket.set(zmq::sockopt::zap_domain, std::string(domain));
    return absl::OkStatus();
  } catch (const zmq::error_t& e) {
    return OptionError(e, "CURVE server");
  }
}

absl::Status ApplyCurveClient(zmq::socket_t& socket,
                              absl::string_view server_public,
                              const CurveKeyPair& own) {
  try {
    socket.set(zmq::sockopt::curve_serverkey, std::string(server_public));
    socket.set(zmq::sockopt::curve_publickey, own.public_key);
    socket.set(zmq::sockopt::curve_secretkey, own.secret_key);
    return absl::OkStatus();
  } catch (const zmq::error_t& e) {
    return OptionError(e, "CURVE client");
  }
}

absl::Status ApplyTcpLiveness(zmq::socket_t& socket,
                              std::chrono::milliseconds reap_after,
                              std::chrono::milliseconds max_reconnect) {
  const int reap_ms = static_cast<int>(std::max<int64_t>(reap_after.count(), 1000));
  const int reap_s = reap_ms / 1000;
  try {
    // No ZMTP heartbeats (see the header): libzmq's defaults are off, and
    // a peer's TTL is ignored when ours is 0.
    socket.set(zmq::sockopt::heartbeat_ivl, 0);
    socket.set(zmq::sockopt::heartbeat_ttl, 0);
    socket.set(zmq::sockopt::reconnect_ivl, 100);
    socket.set(zmq::sockopt::reconnect_ivl_max,
               static_cast<int>(max_reconnect.count()));
    // The kernel's: probes after half the time idle, three of them in the
    // other half; data unacknowledged for the whole of it ends the
    // connection (TCP_USER_TIMEOUT, which libzmq sets for ZMQ_TCP_MAXRT).
    socket.set(zmq::sockopt::tcp_keepalive, 1);
    socket.set(zmq::sockopt::tcp_keepalive_idle, std::max(1, reap_s / 2));
    socket.set(zmq::sockopt::tcp_keepalive_intvl, std::max(1, reap_s / 6));
    socket.set(zmq::sockopt::tcp_keepalive_cnt, 3);
    socket.set(zmq::sockopt::tcp_maxrt, reap_ms);
    return absl::OkStatus();
  } catch (const zmq::error_t& e) {
    return OptionError(e, "tcp options");
  }
}

}  // namespace taskfarm::proto
