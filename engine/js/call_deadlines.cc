#include "engine/js/call_deadlines.h"

namespace pd::js {

std::optional<CallDeadlines::TimePoint> CallDeadlines::earliest() const {
  if (order_.empty()) return std::nullopt;
  return order_.begin()->first;
}

std::vector<uint64_t> CallDeadlines::due(TimePoint now) const {
  std::vector<uint64_t> out;
  for (auto it = order_.begin(); it != order_.end() && it->first <= now; ++it) {
    out.push_back(it->second);
  }
  return out;
}

}  // namespace pd::js
