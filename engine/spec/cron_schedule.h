// Standard 5-field cron schedules (minute hour day-of-month month day-of-week), as Kubernetes
// CronJobs accept them: lists, ranges, steps, month and weekday names, and @hourly-style macros.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pd::spec {

// Nothing when `schedule` is valid, else why not (naming the field and the allowed range).
std::optional<std::string> check_cron_schedule(std::string_view schedule);

}  // namespace pd::spec
