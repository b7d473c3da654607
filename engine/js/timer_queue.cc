#include "engine/js/timer_queue.h"

namespace pd::js {

int TimerQueue::add(TimePoint due, std::chrono::milliseconds interval) {
  int id = next_id_++;
  long sequence = next_sequence_++;
  timers_[id] = {due, interval, sequence};
  order_.insert({due, sequence, id});
  return id;
}

void TimerQueue::cancel(int id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  order_.erase({it->second.due, it->second.sequence, id});
  timers_.erase(it);
}

std::optional<TimerQueue::TimePoint> TimerQueue::next_due() const {
  if (order_.empty()) return std::nullopt;
  return std::get<0>(*order_.begin());
}

std::optional<int> TimerQueue::take_due(TimePoint now) {
  if (order_.empty() || std::get<0>(*order_.begin()) > now) return std::nullopt;
  auto [due, sequence, id] = *order_.begin();
  order_.erase(order_.begin());
  Timer& timer = timers_[id];
  if (timer.interval.count() > 0) {
    timer.due = due + timer.interval;
    timer.sequence = next_sequence_++;
    order_.insert({timer.due, timer.sequence, id});
  } else {
    timers_.erase(id);
  }
  return id;
}

}  // namespace pd::js
