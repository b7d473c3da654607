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

void Metrics::redelivered(const std::string& trigger) { count("redelivered", trigger); }
void Metrics::dead_lettered(const std::string& trigger) { count("dead_lettered", trigger); }
void Metrics::rate_limited(const std::string& trigger) { count("rate_limited", trigger); }
void Metrics::published(const std::string& trigger) { count("published", trigger); }

void Metrics::count(const std::string& kind, const std::string& trigger) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++queue_counters_[{kind, trigger}];
}

long Metrics::counter(const std::string& kind, const std::string& trigger) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (kind == "success" || kind == "failure") {
    auto it = executions_.find({trigger, kind});
    return it == executions_.end() ? 0 : it->second;
  }
  auto it = queue_counters_.find({kind, trigger});
  return it == queue_counters_.end() ? 0 : it->second;
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
  static const std::vector<std::pair<std::string, std::string>> kQueueCounters = {
      {"redelivered", "Queue messages delivered again after a failure or timeout."},
      {"dead_lettered", "Queue messages sent to the dead-letter subject."},
      {"rate_limited", "Queue messages held back by the trigger's rate limit."},
      {"published", "Webhook events published to NATS (gateway mode)."}};
  for (const auto& [kind, help] : kQueueCounters) {
    out << "# HELP pd_" << kind << "_total " << help << "\n# TYPE pd_" << kind << "_total counter\n";
    for (const auto& [key, count] : queue_counters_) {
      if (key.first == kind) out << "pd_" << kind << "_total{trigger=\"" << key.second << "\"} " << count << "\n";
    }
  }
  return out.str();
}

}  // namespace pd::server
