// File: master/dashboard/json_writer.h
//
// The dashboard's /status.json: a View (view.h) as JSON, for the page (which
// polls it) and for scripts. Failure messages are cut to
// kListedMessageBytes here; the whole text of one is FailureText's.
//
// Example (abridged):
//   {"phase":"running","finished":false,"outcome":"","exit_code":null,
//    "elapsed_s":12.5,
//    "tasks":{"total":1000,"reported":420,"skipped":0,"in_flight":8,
//             "queued":572,"by_status":{"ok":419,"error":1,...}},
//    "rate":35.2,"eta_s":16.2,"history":[[0.0,0],[1.0,31],...],
//    "workers":[{"name":"worker 1","host":"h","pid":4711,"state":"busy",
//                "tasks":210,"task":"#421 fib 30","running_s":0.2,
//                "rss_kb":7900,"restarts":0,"lost":0,"rejoined":0,
//                "remote":false}, ...],
//    "logger":{"pid":4710,"state":"idle"},
//    "failures":{"total":1,"list":[{"id":5,"task":"fail oops",
//                "status":"error","attempts":1,"worker":4711,
//                "quarantined":false,"message":"oops","cut":false}]},
//    "counters":{...},
//    "durations":{"le_s":[1e-06,2e-06,...],"counts":[...],"sum_s":1.5,
//                 "count":420}}
//
// Thread-safe (pure functions).

#ifndef TASKFARM_MASTER_DASHBOARD_JSON_WRITER_H_
#define TASKFARM_MASTER_DASHBOARD_JSON_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "master/dashboard/view.h"

namespace taskfarm::master::dashboard {

inline constexpr size_t kListedMessageBytes = 300;

// The whole view as one JSON object. Invalid UTF-8 in task text or
// messages becomes U+FFFD.
std::string StatusJson(const View& view);

// The whole result text of the failure of task `id`, if the view holds
// it.
std::optional<std::string> FailureText(const View& view, uint64_t id);

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_JSON_WRITER_H_
