// Time as a collaborator: production code asks a Clock, tests pass a ManualClock they advance.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace pd {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that moves only when told to; thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start) : now_(start) {}
  std::chrono::system_clock::time_point now() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard<std::mutex> lock(mutex_);
    now_ += by;
  }

 private:
  mutable std::mutex mutex_;
  std::chrono::system_clock::time_point now_;
};

// RFC 3339 in UTC with second precision, as Kubernetes writes timestamps: 2026-01-31T12:00:00Z.
std::string format_rfc3339(std::chrono::system_clock::time_point time);

// "2026-01-31T12:00:00Z" (fractions and offsets after the seconds ignored, read as UTC);
// nullopt when it is not one. Times past 2262 (the end of system_clock) become its maximum.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text);

}  // namespace pd
