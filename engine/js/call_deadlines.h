// The deadlines of the calls in flight on one isolate, earliest first: the loop sleeps toward
// the earliest, the watchdog is armed for it on every entry into JavaScript, and calls past
// theirs are failed. Kept in order as calls start and finish, so that none of these looks at
// every call (a queue trigger may hold thousands awaiting I/O at once).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace pd::js {

class CallDeadlines {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  void add(uint64_t call, TimePoint deadline) { order_.emplace(deadline, call); }
  // `deadline` as given to add(); removing a call not added does nothing.
  void remove(uint64_t call, TimePoint deadline) { order_.erase({deadline, call}); }
  void clear() { order_.clear(); }
  size_t size() const { return order_.size(); }
  std::optional<TimePoint> earliest() const;
  // The calls whose deadline is at or before `now`, earliest first.
  std::vector<uint64_t> due(TimePoint now) const;

 private:
  std::set<std::pair<TimePoint, uint64_t>> order_;  // (deadline, call id)
};

}  // namespace pd::js
