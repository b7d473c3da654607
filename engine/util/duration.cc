#include "engine/util/duration.h"

#include <regex>

namespace pd {

std::optional<Duration> parse_duration(std::string_view text) {
  static const std::regex kDuration("^([0-9]+(ms|s|m|h))+$");
  static const std::regex kPart("([0-9]+)(ms|s|m|h)");
  if (!std::regex_match(text.begin(), text.end(), kDuration)) return std::nullopt;
  std::string owned(text);
  long long total_ms = 0;
  for (auto it = std::sregex_iterator(owned.begin(), owned.end(), kPart);
       it != std::sregex_iterator(); ++it) {
    const std::string& digits = (*it)[1];
    if (digits.size() > 9) return std::nullopt;  // keeps the sum far from overflow
    long long amount = std::stoll(digits);
    const std::string unit = (*it)[2];
    long long factor = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : 3'600'000;
    total_ms += amount * factor;
  }
  if (total_ms <= 0) return std::nullopt;
  return Duration{std::chrono::milliseconds(total_ms), owned};
}

}  // namespace pd
