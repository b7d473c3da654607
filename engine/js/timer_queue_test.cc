#include "engine/js/timer_queue.h"

#include <gtest/gtest.h>

namespace pd::js {
namespace {

using namespace std::chrono_literals;

TEST(TimerQueue, RunsEarliestFirstAndCreationOrderAmongEquals) {
  TimerQueue q;
  auto t0 = std::chrono::steady_clock::time_point{};
  int late = q.add(t0 + 20ms, 0ms);
  int first = q.add(t0 + 10ms, 0ms);
  int second = q.add(t0 + 10ms, 0ms);
  EXPECT_EQ(q.take_due(t0 + 5ms), std::nullopt);
  EXPECT_EQ(q.take_due(t0 + 30ms), first);
  EXPECT_EQ(q.take_due(t0 + 30ms), second);
  EXPECT_EQ(q.take_due(t0 + 30ms), late);
  EXPECT_TRUE(q.empty());
}

TEST(TimerQueue, IntervalsRepeatUntilCancelled) {
  TimerQueue q;
  auto t0 = std::chrono::steady_clock::time_point{};
  int tick = q.add(t0 + 10ms, 10ms);
  EXPECT_EQ(q.take_due(t0 + 10ms), tick);
  EXPECT_EQ(q.next_due(), t0 + 20ms);
  EXPECT_TRUE(q.scheduled(tick));
  q.cancel(tick);
  EXPECT_FALSE(q.scheduled(tick));
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace pd::js
