#include "engine/spec/cron_schedule.h"

#include <gtest/gtest.h>

namespace pd::spec {
namespace {

TEST(CronSchedule, AcceptsStandardForms) {
  for (const char* schedule :
       {"* * * * *", "*/5 * * * *", "0 9 * * 1-5", "0,30 8-18/2 1,15 * *", "0 0 1 JAN,jul *",
        "15 3 * * SUN-SAT", "0 0 ? * 7", "@daily", "@hourly", "@weekly", "@monthly", "@yearly"}) {
    EXPECT_EQ(check_cron_schedule(schedule), std::nullopt) << schedule;
  }
}

TEST(CronSchedule, RejectsWrongFieldCount) {
  EXPECT_EQ(check_cron_schedule("* * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 3 — e.g. "
            "\"*/5 * * * *\" for every five minutes");
  EXPECT_EQ(check_cron_schedule("0 * * * * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 6; a seconds "
            "field is not supported — e.g. \"*/5 * * * *\" for every five minutes");
}

TEST(CronSchedule, NamesTheFieldAndRangeOfABadValue) {
  EXPECT_EQ(check_cron_schedule("60 * * * *"),
            "minute field \"60\": value 60 is out of range 0-59");
  EXPECT_EQ(check_cron_schedule("* * 0 * *"),
            "day-of-month field \"0\": value 0 is out of range 1-31");
  EXPECT_EQ(check_cron_schedule("* * * 13 *"), "month field \"13\": value 13 is out of range 1-12");
  EXPECT_EQ(check_cron_schedule("* * * * 8"),
            "day-of-week field \"8\": value 8 is out of range 0-7");
  EXPECT_EQ(check_cron_schedule("* * * FOO *"),
            "month field \"FOO\": \"FOO\" is not a number or a name (JAN-DEC)");
  EXPECT_EQ(check_cron_schedule("*/0 * * * *"),
            "minute field \"*/0\": step \"0\" must be a "
            "positive number");
  EXPECT_EQ(check_cron_schedule("5-1 * * * *"), "minute field \"5-1\": range 5-1 runs backwards");
  EXPECT_EQ(check_cron_schedule("? * * * *"), "minute field \"?\": \"?\" is not a number");
  EXPECT_EQ(check_cron_schedule("1,,2 * * * *"), "minute field \"1,,2\": empty value");
}

TEST(CronSchedule, RejectsUnknownMacros) {
  EXPECT_EQ(check_cron_schedule("@every 5m"),
            "unknown macro \"@every 5m\"; expected @yearly, @monthly, @weekly, @daily or "
            "@hourly, or 5 fields");
}

}  // namespace
}  // namespace pd::spec
