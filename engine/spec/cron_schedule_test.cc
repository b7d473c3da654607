#include "engine/spec/cron_schedule.h"

#include <gtest/gtest.h>

#include "engine/util/clock.h"

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

namespace pd::spec {
namespace {

std::chrono::system_clock::time_point utc(const std::string& text) { return *parse_rfc3339(text); }

std::string next(const std::string& schedule, const std::string& zone_name, const std::string& after) {
  Result<CronFields> fields = parse_cron_schedule(schedule);
  Result<TimeZone> zone = TimeZone::load(zone_name);
  if (!fields.is_ok() || !zone.is_ok()) return "error";
  auto at = next_cron_time(fields.value(), zone.value(), utc(after));
  return at ? format_rfc3339(*at) : "never";
}

TEST(NextCronTime, FieldsListsStepsAndTheDayRule) {
  EXPECT_EQ(next("*/15 * * * *", "UTC", "2026-03-01T10:07:30Z"), "2026-03-01T10:15:00Z");
  EXPECT_EQ(next("0 3 * * *", "UTC", "2026-03-01T03:00:00Z"), "2026-03-02T03:00:00Z");  // strictly after
  EXPECT_EQ(next("0 9 * * MON-FRI", "UTC", "2026-02-27T10:00:00Z"), "2026-03-02T09:00:00Z");  // Fri → Mon
  EXPECT_EQ(next("0 0 13 * 5", "UTC", "2026-02-01T00:00:00Z"), "2026-02-06T00:00:00Z");  // day OR weekday
  EXPECT_EQ(next("@monthly", "UTC", "2026-12-15T00:00:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next("0 0 29 2 *", "UTC", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(next("0 0 30 2 *", "UTC", "2026-03-01T00:00:00Z"), "never");
}

TEST(NextCronTime, WallClockInTheZoneAcrossDaylightSaving) {
  // Berlin: 09:00 local is 08:00Z in winter, 07:00Z in summer.
  EXPECT_EQ(next("0 9 * * *", "Europe/Berlin", "2026-01-10T12:00:00Z"), "2026-01-11T08:00:00Z");
  EXPECT_EQ(next("0 9 * * *", "Europe/Berlin", "2026-07-10T12:00:00Z"), "2026-07-11T07:00:00Z");
  // Spring forward (29 March 2026, 02:00 → 03:00): 02:30 does not exist that day.
  EXPECT_EQ(next("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z"), "2026-03-30T00:30:00Z");
  // A schedule just after midnight is not jumped over by the day skip.
  EXPECT_EQ(next("30 0 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z"), "2026-03-28T23:30:00Z");
  // Fall back (25 October 2026, 03:00 → 02:00): 02:30 happens twice and fires once.
  EXPECT_EQ(next("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z"), "2026-10-25T00:30:00Z");
  EXPECT_EQ(next("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z"), "2026-10-26T01:30:00Z");
  EXPECT_EQ(next("0 12 * * *", "America/New_York", "2026-06-01T00:00:00Z"), "2026-06-01T16:00:00Z");
  EXPECT_EQ(TimeZone::load("Mars/Olympus").status().message().find("unknown time zone \"Mars/Olympus\""), 0u);
}

}  // namespace
}  // namespace pd::spec
