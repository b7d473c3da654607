#include "engine/js/call_deadlines.h"

#include <gtest/gtest.h>

namespace pd::js {
namespace {

using namespace std::chrono_literals;

TEST(CallDeadlines, GivesTheEarliestAndTheCallsDueInDeadlineOrder) {
  CallDeadlines deadlines;
  auto t0 = std::chrono::steady_clock::time_point{};
  EXPECT_EQ(deadlines.earliest(), std::nullopt);
  deadlines.add(1, t0 + 30ms);
  deadlines.add(2, t0 + 10ms);
  deadlines.add(3, t0 + 10ms);  // the same deadline as 2: both kept
  deadlines.add(4, t0 + 20ms);
  EXPECT_EQ(deadlines.earliest(), t0 + 10ms);
  EXPECT_EQ(deadlines.due(t0 + 5ms), std::vector<uint64_t>{});
  EXPECT_EQ(deadlines.due(t0 + 20ms), (std::vector<uint64_t>{2, 3, 4}));
}

TEST(CallDeadlines, AFinishedCallNoLongerCounts) {
  CallDeadlines deadlines;
  auto t0 = std::chrono::steady_clock::time_point{};
  deadlines.add(1, t0 + 10ms);
  deadlines.add(2, t0 + 20ms);
  deadlines.remove(1, t0 + 10ms);
  deadlines.remove(7, t0 + 10ms);  // never added: nothing happens
  EXPECT_EQ(deadlines.earliest(), t0 + 20ms);
  EXPECT_EQ(deadlines.due(t0 + 60ms), std::vector<uint64_t>{2});
  deadlines.remove(2, t0 + 20ms);
  EXPECT_EQ(deadlines.size(), 0u);
  EXPECT_EQ(deadlines.earliest(), std::nullopt);
}

}  // namespace
}  // namespace pd::js
