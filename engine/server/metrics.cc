#include "engine/server/metrics.h"

#include <sstream>

namespace pd::server {

void Metrics::execution_started() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++in_flight_;
}

void Metrics::execution_finished(const std::string& trigger, bool success, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  --in_flight_;
  ++executions_[{trigger, success ? "success" : "failure"}];
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) ++buckets_[i];
  }
  duration_sum_ += seconds;
  ++duration_count_;
}

void Metrics::rejected(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++rejected_[reason];
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "# HELP pd_executions_total Workflow executions by trigger and outcome.\n"
         "# TYPE pd_executions_total counter\n";
  for (const auto& [key, count] : executions_) {
    out << "pd_executions_total{trigger=\"" << key.first << "\",outcome=\"" << key.second
        << "\"} " << count << "\n";
  }
  out << "# HELP pd_execution_duration_seconds Execution wall time.\n"
         "# TYPE pd_execution_duration_seconds histogram\n";
  for (size_t i = 0; i < kBounds.size(); ++i) {
    out << "pd_execution_duration_seconds_bucket{le=\"" << kBounds[i] << "\"} " << buckets_[i] << "\n";
  }
  out << "pd_execution_duration_seconds_bucket{le=\"+Inf\"} " << duration_count_ << "\n"
      << "pd_execution_duration_seconds_sum " << duration_sum_ << "\n"
      << "pd_execution_duration_seconds_count " << duration_count_ << "\n"
      << "# HELP pd_executions_in_flight Executions running now.\n"
         "# TYPE pd_executions_in_flight gauge\n"
      << "pd_executions_in_flight " << in_flight_ << "\n"
      << "# HELP pd_requests_rejected_total Requests refused before running anything.\n"
         "# TYPE pd_requests_rejected_total counter\n";
  for (const auto& [reason, count] : rejected_) {
    out << "pd_requests_rejected_total{reason=\"" << reason << "\"} " << count << "\n";
  }
  return out.str();
}

}  // namespace pd::server
