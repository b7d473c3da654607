// Standard 5-field cron schedules (minute hour day-of-month month day-of-week), as Kubernetes
// CronJobs accept them: lists, ranges, steps, month and weekday names, and @hourly-style macros.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/util/status.h"
#include "engine/util/time_zone.h"

namespace pd::spec {

// What a schedule selects: bit i of each mask is value i.
struct CronFields {
  uint64_t minutes = 0;   // 0-59
  uint32_t hours = 0;     // 0-23
  uint32_t days = 0;      // 1-31
  uint16_t months = 0;    // 1-12
  uint8_t weekdays = 0;   // 0-6, Sunday = 0 (7 is folded into 0)
  bool days_restricted = false;
  bool weekdays_restricted = false;

  // Local wall-clock fields; weekday 0 = Sunday.
  bool matches(int minute, int hour, int day, int month, int weekday) const;
  bool matches_day(int day, int month, int weekday) const;
};

Result<CronFields> parse_cron_schedule(std::string_view schedule);

// The first whole minute after `after` whose wall-clock time in `zone` the schedule selects.
// Across DST changes: a wall time that does not exist (spring forward) does not fire; one that
// happens twice (fall back) fires once, the first time. Nothing within five years: nullopt
// (e.g. "0 0 30 2 *").
std::optional<std::chrono::system_clock::time_point> next_cron_time(
    const CronFields& fields, const TimeZone& zone, std::chrono::system_clock::time_point after);

// Nothing when `schedule` is valid, else why not (naming the field and the allowed range).
std::optional<std::string> check_cron_schedule(std::string_view schedule);

}  // namespace pd::spec
