#include "master/input/odometer.h"

namespace taskfarm::master {

void OdometerFirst(absl::Span<const ArgRange> ranges,
                   std::vector<proto::Value>* args) {
  for (const ArgRange& r : ranges) (*args)[r.position] = r.First();
}

bool OdometerNext(absl::Span<const ArgRange> ranges,
                  std::vector<proto::Value>* args) {
  for (size_t k = ranges.size(); k-- > 0;) {
    const ArgRange& r = ranges[k];
    proto::Value& value = (*args)[r.position];
    if (r.is_unsigned) {
      uint64_t& v = std::get<uint64_t>(value);
      if (v < r.hi) {
        ++v;
        return true;
      }
    } else {
      int64_t& v = std::get<int64_t>(value);
      if (v < static_cast<int64_t>(r.hi)) {
        ++v;
        return true;
      }
    }
    value = r.First();  // this wheel wraps; the next one turns
  }
  return false;
}

}  // namespace taskfarm::master
