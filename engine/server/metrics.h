// The engine's Prometheus metrics: executions by trigger and outcome, an execution duration
// histogram, executions in flight, rejected requests. Thread-safe; rendered as text format 0.0.4.
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
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, long> executions_;  // (trigger, outcome)
  std::map<std::string, long> rejected_;
  std::vector<long> buckets_ = std::vector<long>(kBounds.size(), 0);
  double duration_sum_ = 0;
  long duration_count_ = 0;
  long in_flight_ = 0;
  static inline const std::vector<double> kBounds = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,   1,    2.5,   5,    10, 30};
};

}  // namespace pd::server
