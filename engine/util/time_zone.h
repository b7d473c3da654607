// IANA time zones for cron triggers with `timezone:` (GCC 12's library has no tz database):
// the compiled zone files of the system's tzdata (/usr/share/zoneinfo, or $TZDIR), read once.
// Times after a zone's last listed transition keep its last offset (Debian's files list
// transitions to 2037).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/util/status.h"

namespace pd {

class TimeZone {
 public:
  // "" and "UTC" need no file. NotFound naming the zone when it does not exist.
  static Result<TimeZone> load(const std::string& name);
  // Seconds east of UTC at `utc`.
  int offset_at(std::chrono::system_clock::time_point utc) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int> offsets_after_;    // offset in effect from transitions_[i]
  int initial_offset_ = 0;
};

}  // namespace pd
