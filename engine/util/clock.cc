#include "engine/util/clock.h"

#include <ctime>

namespace pd {

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
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
