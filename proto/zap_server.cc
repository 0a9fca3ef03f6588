#include "proto/zap_server.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace taskfarm::proto {
namespace {

constexpr char kZapEndpoint[] = "inproc://zeromq.zap.01";
constexpr size_t kMaxZapFrames = 16;
// Failed handshakes repeat every reconnect interval: one line per this.
constexpr int64_t kFailureLogIntervalMs = 10000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ZapAnswer AnswerZap(const std::vector<std::string>& request,
                    const AllowList& allow) {
  ZapAnswer a;
  if (request.size() < 6 || request[0] != "1.0") {
    a.status_code = "500";
    a.status_text = "malformed ZAP request";
    return a;
  }
  a.address = request[3];
  const std::string& mechanism = request[5];
  if (mechanism != "CURVE" || request.size() != 7 || request[6].size() != 32) {
    a.status_code = "400";
    a.status_text = absl::StrCat("mechanism ", mechanism, " not allowed");
    return a;
  }
  a.key = CurveKeyText(request[6]);
  if (const std::string* label = allow.Find(a.key)) {
    a.status_code = "200";
    a.status_text = "OK";
    a.user_id = *label;
  } else {
    a.status_code = "400";
    a.status_text = "key not in the allow-list";
  }
  return a;
}

absl::StatusOr<std::unique_ptr<ZapServer>> ZapServer::Start(
    zmq::context_t& context, AllowList allow, zmq::socket_t* watched, Log log) {
  std::optional<SocketMonitor> monitor;
  if (watched != nullptr) {
    absl::StatusOr<SocketMonitor> m = SocketMonitor::Attach(
        context, *watched,
        ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    if (!m.ok()) return m.status();
    monitor.emplace(*std::move(m));
  }
  int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    return absl::InternalError(absl::StrCat("eventfd: ", strerror(errno)));
  }
  try {
    // Bound here, before the caller's CURVE socket binds; the thread only
    // takes it over (thread creation orders the memory).
    zmq::socket_t handler(context, zmq::socket_type::rep);
    handler.set(zmq::sockopt::linger, 0);
    handler.bind(kZapEndpoint);
    std::unique_ptr<ZapServer> server(new ZapServer(
        std::move(handler), std::move(monitor), std::move(allow),
        std::move(log), wake_fd));
    server->thread_ = std::thread([s = server.get()] { s->Loop(); });
    return server;
  } catch (const zmq::error_t& e) {
    close(wake_fd);
    return absl::UnavailableError(
        absl::StrCat("ZAP handler on ", kZapEndpoint, ": ", e.what()));
  }
}

ZapServer::ZapServer(zmq::socket_t handler,
                     std::optional<SocketMonitor> monitor, AllowList allow,
                     Log log, int wake_fd)
    : handler_(std::move(handler)),
      monitor_(std::move(monitor)),
      allow_(std::move(allow)),
      log_(std::move(log)),
      wake_fd_(wake_fd) {}

ZapServer::~ZapServer() {
  stop_.store(true);
  uint64_t one = 1;
  ssize_t unused = write(wake_fd_, &one, sizeof(one));
  (void)unused;
  if (thread_.joinable()) thread_.join();
  close(wake_fd_);
}

void ZapServer::Loop() {
  while (!stop_.load()) {
    std::vector<zmq::pollitem_t> items = {
        {handler_.handle(), 0, ZMQ_POLLIN, 0},
        {nullptr, wake_fd_, ZMQ_POLLIN, 0}};
    if (monitor_) items.push_back({monitor_->socket().handle(), 0, ZMQ_POLLIN, 0});
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(1000));
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      continue;  // EINTR
    }
    if (items[0].revents & ZMQ_POLLIN) Answer();
    if (monitor_) OnMonitorEvents();
  }
}

void ZapServer::Answer() {
  std::vector<std::string> request;
  try {
    for (;;) {
      zmq::message_t part;
      if (!handler_.recv(part, zmq::recv_flags::dontwait)) return;
      if (request.size() < kMaxZapFrames) request.push_back(part.to_string());
      if (!part.more()) break;
    }
    ZapAnswer a = AnswerZap(request, allow_);
    const std::string request_id = request.size() > 1 ? request[1] : "";
    for (const std::string& frame :
         {std::string("1.0"), request_id, a.status_code, a.status_text,
          a.user_id}) {
      handler_.send(zmq::buffer(frame), zmq::send_flags::sndmore);
    }
    handler_.send(zmq::message_t(), zmq::send_flags::none);  // metadata
    if (a.status_code == "200") {
      admitted_.fetch_add(1);
      return;
    }
    refused_.fetch_add(1);
    std::string seen = absl::StrCat(a.key, " ", a.address);
    if (std::find(logged_.begin(), logged_.end(), seen) != logged_.end()) return;
    if (logged_.size() < 1000) logged_.push_back(seen);
    log_(absl::StrCat("refused a worker from ", a.address.empty() ? "?" : a.address,
                      ": ", a.status_text,
                      a.key.empty() ? "" : absl::StrCat(" (its key: ", a.key, ")"),
                      "; the allow-list is ", allow_.source()));
  } catch (const zmq::error_t&) {
    // The context is ending.
  }
}

void ZapServer::OnMonitorEvents() {
  for (const SocketMonitor::Event& e : monitor_->Drain()) {
    (void)e;
    failed_.fetch_add(1);
    ++failures_unlogged_;
  }
  const int64_t now = NowMs();
  if (failures_unlogged_ == 0 || now - last_failure_log_ms_ < kFailureLogIntervalMs) {
    return;
  }
  log_(absl::StrCat(
      failures_unlogged_ == 1 ? "a CURVE handshake failed"
                              : absl::StrCat(failures_unlogged_, " CURVE handshakes failed"),
      " on the tcp port: a worker with the wrong master public key, or not a "
      "taskfarm worker (repeats are logged every ",
      kFailureLogIntervalMs / 1000, " s)"));
  failures_unlogged_ = 0;
  last_failure_log_ms_ = now;
}

}  // namespace taskfarm::proto
