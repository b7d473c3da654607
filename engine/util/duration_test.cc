#include "engine/util/duration.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(Duration, AcceptsUnitsAndSequences) {
  EXPECT_EQ(parse_duration("500ms")->value.count(), 500);
  EXPECT_EQ(parse_duration("30s")->value.count(), 30'000);
  EXPECT_EQ(parse_duration("5m")->value.count(), 300'000);
  EXPECT_EQ(parse_duration("1h")->value.count(), 3'600'000);
  EXPECT_EQ(parse_duration("1m30s")->value.count(), 90'000);
  for (const char* bad : {"30", "0s", "1.5s", "5 m", "-1s", "1d", "", "9999999999h"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace pd
