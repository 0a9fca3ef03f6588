// File: base/version.h
//
// The taskfarm release, printed by --version and sent in hello messages.

#ifndef TASKFARM_BASE_VERSION_H_
#define TASKFARM_BASE_VERSION_H_

namespace taskfarm::base {

inline constexpr char kVersion[] = "0.1.0";

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_VERSION_H_
