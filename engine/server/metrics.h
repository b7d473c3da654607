// The engine's Prometheus metrics: executions by trigger and outcome, an execution duration
// histogram, executions in flight, rejected requests, redeliveries, dead letters, rate-limited
// messages and published webhook events. Thread-safe; rendered as text format 0.0.4.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace pd::server {

class Metrics {
 public:
  void execution_started();
  void execution_finished(const std::string& trigger, bool success, double seconds);
  void rejected(const std::string& reason);  // e.g. "body_too_large", "bad_signature", "draining"
  // Queue triggers: messages delivered again, sent to the dead-letter subject, held back by the
  // rate limit; webhook events published to NATS.
  void redelivered(const std::string& trigger);
  void dead_lettered(const std::string& trigger);
  void rate_limited(const std::string& trigger);
  void published(const std::string& trigger);
  std::string render() const;

  // One counter's value (tests): e.g. counter("dead_lettered", "orders").
  long counter(const std::string& kind, const std::string& trigger) const;

 private:
  void count(const std::string& kind, const std::string& trigger);

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, long> executions_;  // (trigger, outcome)
  std::map<std::string, long> rejected_;
  std::map<std::pair<std::string, std::string>, long> queue_counters_;  // (kind, trigger)
  std::vector<long> buckets_ = std::vector<long>(kBounds.size(), 0);
  double duration_sum_ = 0;
  long duration_count_ = 0;
  long in_flight_ = 0;
  static inline const std::vector<double> kBounds = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,   1,    2.5,   5,    10, 30};
};

}  // namespace pd::server
