// RFC 3339 timestamps as logs, ctx.trigger and the fake cluster write and read them.
#include "engine/util/clock.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

using std::chrono::system_clock;

TEST(Rfc3339, FormatsUtcToTheSecond) {
  EXPECT_EQ(format_rfc3339(system_clock::from_time_t(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(system_clock::from_time_t(951782400)), "2000-02-29T00:00:00Z");
  // Fractions of a second are dropped, not rounded.
  EXPECT_EQ(format_rfc3339(system_clock::from_time_t(1798761599) + std::chrono::milliseconds(999)),
            "2026-12-31T23:59:59Z");
  EXPECT_EQ(format_rfc3339(system_clock::from_time_t(4102444800)), "2100-01-01T00:00:00Z");
}

TEST(Rfc3339, ParsesWhatItFormats) {
  for (std::time_t seconds : {0L, 951782400L, 1798761599L, 4102444800L}) {
    auto time = system_clock::from_time_t(seconds);
    EXPECT_EQ(parse_rfc3339(format_rfc3339(time)), time) << seconds;
  }
  EXPECT_EQ(parse_rfc3339("not a time"), std::nullopt);
}

}  // namespace
}  // namespace pd
