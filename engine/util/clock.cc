#include "engine/util/clock.h"

#include <ctime>

namespace pd {

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  // Calendar arithmetic, not gmtime_r and strftime: those take glibc's time-zone lock and read
  // the locale on every call, and a queue trigger formats a timestamp for every message.
  auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  auto day = std::chrono::floor<std::chrono::days>(seconds);
  std::chrono::year_month_day date{day};
  std::chrono::hh_mm_ss<std::chrono::seconds> clock{seconds - day};
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&out](size_t at, long long value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10)
      out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<int>(date.year()), 4);
  put(5, static_cast<unsigned>(date.month()), 2);
  put(8, static_cast<unsigned>(date.day()), 2);
  put(11, clock.hours().count(), 2);
  put(14, clock.minutes().count(), 2);
  put(17, clock.seconds().count(), 2);
  return out;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  std::tm tm{};
  if (text.empty() || !strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return std::nullopt;
  time_t seconds = timegm(&tm);
  // system_clock counts nanoseconds in 64 bits: it ends in 2262.
  if (seconds > 9'000'000'000) return std::chrono::system_clock::time_point::max();
  return std::chrono::system_clock::from_time_t(seconds);
}

}  // namespace pd
