// The NATS side of `pd-engine serve`: when the workflow has queue triggers or a webhook in
// gateway mode, one connection (config `nats_url`, or --nats-url; credentials from secrets
// `nats`: token, user + password, creds, ca, cert + key), one QueueConsumer per queue trigger,
// and the publisher the webhook gateway uses. Readiness follows the connection.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/nats/nats_client.h"
#include "engine/server/queue_consumer.h"
#include "engine/util/temp_dir.h"

namespace pd::server {

struct NatsTriggerOptions {
  std::string nats_url;  // overrides config nats_url (comma-separated for a cluster)
  std::function<void(const nlohmann::json&)> log;
  const Clock* clock = nullptr;
  // Asked while starting (waiting for the first connection, between consumers): true gives
  // up at once ("start-up cancelled"), e.g. on SIGTERM during start-up.
  std::function<bool()> cancelled;
};

class NatsTriggers {
 public:
  // Whether `workflow` needs NATS at all.
  static bool needed(const spec::Workflow& workflow);
  // Connects (a server that is down is retried in the background) and starts the consumers.
  // Errors name what is missing (no nats_url) or what NATS refused.
  static Result<std::unique_ptr<NatsTriggers>> start(exec::WorkflowRuntime& runtime,
                                                     Metrics& metrics, NatsTriggerOptions options);
  ~NatsTriggers();

  nats::EventPublisher& publisher() { return *client_; }
  // "" when connected, else why not.
  std::string not_ready_reason() const;
  // Stops taking messages, waits up to `grace` for executions in flight, then drains NATS:
  // stop_taking(), then finish(now + grace).
  void stop(std::chrono::milliseconds grace);
  // Every consumer stops taking messages; executions in flight go on.
  void stop_taking();
  // Waits until `deadline` at most for the executions in flight (and their acks), then drains
  // NATS. Once; stop_taking() first. True when all finished in time.
  bool finish(std::chrono::steady_clock::time_point deadline);

 private:
  NatsTriggers() = default;
  // Undoes a start that was cancelled part-way, at once.
  Status cancel_start();
  std::unique_ptr<TempDir> creds_dir_;
  std::unique_ptr<nats::NatsClient> client_;
  std::vector<std::unique_ptr<QueueConsumer>> consumers_;
  bool stopped_ = false;
};

}  // namespace pd::server
