// Durations as users write them in workflow.yaml and on command lines: `500ms`, `30s`, `5m`,
// `1h`, or sequences such as `1m30s`.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pd {

// A positive duration; `text` is what the user wrote.
struct Duration {
  std::chrono::milliseconds value{0};
  std::string text;
};

// Nothing unless `text` is one or more <integer><ms|s|m|h> parts adding up to more than zero.
std::optional<Duration> parse_duration(std::string_view text);

}  // namespace pd
