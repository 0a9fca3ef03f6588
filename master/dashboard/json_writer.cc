#include "master/dashboard/json_writer.h"

#include <nlohmann/json.hpp>

#include "journal/task_words.h"

namespace taskfarm::master::dashboard {
namespace {

using nlohmann::json;

json OrNull(double value) { return value < 0 ? json(nullptr) : json(value); }

json Tasks(const Snapshot& s) {
  json by_status = json::object();
  for (int i = 0; i < proto::kTaskStatusCount; ++i) {
    by_status[proto::TaskStatusName(static_cast<proto::TaskStatus>(i))] =
        s.by_status[i];
  }
  return {{"total", s.total},       {"reported", s.reported},
          {"skipped", s.skipped},   {"in_flight", s.in_flight},
          {"queued", s.queued},     {"by_status", by_status}};
}

json Workers(const Snapshot& s) {
  json rows = json::array();
  for (const WorkerRow& w : s.workers) {
    rows.push_back({{"name", w.name},
                    {"host", w.host},
                    {"pid", w.pid},
                    {"state", w.state},
                    {"tasks", w.tasks},
                    {"task", w.task.empty() ? json(nullptr) : json(w.task)},
                    {"running_s", OrNull(w.running_s)},
                    {"rss_kb", w.rss_kb},
                    {"restarts", w.restarts},
                    {"lost", w.lost},
                    {"rejoined", w.rejoined},
                    {"remote", w.remote}});
  }
  return rows;
}

json Failures(const Snapshot& s) {
  json list = json::array();
  for (const auto& f : s.failures) {
    std::string message = f->message;
    journal::CutText(&message, kListedMessageBytes);
    list.push_back({{"id", f->id},
                    {"task", f->task},
                    {"status", proto::TaskStatusName(f->status)},
                    {"attempts", f->attempts},
                    {"worker", f->pid},
                    {"quarantined", f->quarantined},
                    {"message", message},
                    {"cut", message.size() != f->message.size()}});
  }
  return {{"total", s.failures_total}, {"list", list}};
}

json Durations(const DurationHistogram& d) {
  json bounds = json::array();
  for (int i = 0; i < DurationHistogram::kBounded; ++i) {
    bounds.push_back(DurationHistogram::UpperBoundSeconds(i));
  }
  return {{"le_s", bounds},
          {"counts", d.counts()},
          {"sum_s", 1e-6 * static_cast<double>(d.sum_us())},
          {"count", d.count()}};
}

}  // namespace

std::string StatusJson(const View& view) {
  const Snapshot& s = view.batch;
  json history = json::array();
  for (const View::Point& p : view.history) history.push_back({p.t, p.done});
  json out = {
      {"unix_ms", view.unix_ms},
      {"elapsed_s", s.elapsed_s},
      {"phase", s.phase},
      {"finished", s.finished},
      {"outcome", s.outcome},
      {"exit_code", s.finished ? json(s.exit_code) : json(nullptr)},
      {"tasks", Tasks(s)},
      {"rate", view.rate},
      {"eta_s", OrNull(view.eta_s)},
      {"history", history},
      {"workers", Workers(s)},
      {"logger", {{"pid", s.logger_pid}, {"state", s.logger_state}}},
      {"failures", Failures(s)},
      {"counters",
       {{"worker_deaths", s.worker_deaths},
        {"restarts", s.restarts},
        {"logger_restarts", s.logger_restarts},
        {"records_relayed", s.records_relayed},
        {"records_acked", s.records_written},
        {"bytes_out", s.bytes_out},
        {"bytes_in", s.bytes_in},
        {"dropped", s.dropped}}},
      {"durations", Durations(s.durations)},
  };
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> FailureText(const View& view, uint64_t id) {
  for (const auto& f : view.batch.failures) {
    if (f->id == id) return f->message;
  }
  return std::nullopt;
}

}  // namespace taskfarm::master::dashboard
