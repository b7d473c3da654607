// The event loop's timers (setTimeout/setInterval), without V8: ids, due times, intervals,
// cancellation, and which timer runs next (earliest first, in creation order among equals).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace pd::js {

class TimerQueue {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // A new timer due at `due`; `interval` > 0 makes it repeat. Returns its id (> 0).
  int add(TimePoint due, std::chrono::milliseconds interval);
  void cancel(int id);
  bool empty() const { return order_.empty(); }
  std::optional<TimePoint> next_due() const;
  // Removes and returns the earliest timer due at or before `now`; a repeating timer is put back
  // one interval later. Nothing when no timer is due.
  std::optional<int> take_due(TimePoint now);
  // Whether `id` is still scheduled (false after cancel or after a one-shot ran).
  bool scheduled(int id) const { return timers_.count(id) > 0; }

 private:
  struct Timer {
    TimePoint due;
    std::chrono::milliseconds interval;
    long sequence;
  };
  std::map<int, Timer> timers_;
  std::set<std::tuple<TimePoint, long, int>> order_;  // (due, sequence, id)
  int next_id_ = 1;
  long next_sequence_ = 0;
};

}  // namespace pd::js
