// A `queue` trigger: NATS messages run the workflow. Core NATS (a queue-group subscription,
// at-most-once) or, with `jetstream:`, a durable pull consumer with at-least-once delivery: ack
// after success; on failure nak with the trigger's backoff; in-progress acks while an execution
// runs long; after the last attempt the message goes to the dead-letter subject and is
// terminated. Messages that can never succeed (not the JSON their Content-Type says, schema
// violations) go there at once. `max_in_flight` caps concurrent executions and `rate` (token
// bucket) their start rate; with JetStream only as many messages are fetched as there is room
// for, so bursts wait in the stream. A reply subject (core NATS request) gets the result.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "engine/exec/workflow_runtime.h"
#include "engine/nats/core_subscription.h"
#include "engine/nats/nats_client.h"
#include "engine/nats/pull_consumer.h"
#include "engine/server/dead_letters.h"
#include "engine/server/metrics.h"
#include "engine/server/schema_validator.h"
#include "engine/util/token_bucket.h"
#include "engine/util/worker_pool.h"

namespace pd::server {

struct QueueConsumerOptions {
  const Clock* clock = nullptr;                    // for the rate limit; the system's when null
  std::chrono::milliseconds fetch_wait{500};       // how long one pull request waits for messages
  std::function<void(const nlohmann::json&)> log;  // JSON-line records
};

// How much room must be free, beside the messages already asked for, before the puller asks for
// more (each pull request asks for at least this much). An eighth of max_in_flight, so that a
// full consumer asks in batches instead of once per finished execution and requests stay well
// ahead of the isolates; at most 64, so that room is asked for soon; and at least
// max_in_flight / 128, so that a large max_in_flight is asked for in fewer, larger requests:
// nats-server refuses requests beyond a consumer's MaxWaiting (512 by default, shared by every
// replica). It serves the requests waiting in turn, one message each, so this does not bound
// how many wait at once; a refused request's room comes back at once (PullConsumer::next).
// With a rate limit: 1, one message per token.
int pull_refill_mark(int max_in_flight, bool rate_limited);

class QueueConsumer {
 public:
  QueueConsumer(exec::WorkflowRuntime& runtime, nats::NatsClient& nats, Metrics& metrics,
                const spec::Trigger& trigger, QueueConsumerOptions options = {});
  ~QueueConsumer();

  // Creates what is missing (stream, durable consumer, dead-letter stream) and starts taking
  // messages. Errors name the trigger and what NATS said.
  Status start();
  // Stops taking messages and waits (up to `grace`) for the executions in flight to finish and
  // be acknowledged.
  void stop(std::chrono::milliseconds grace);
  // stop() in two halves, so that several triggers stop taking messages before any waits, and
  // all wait within one grace period.
  void stop_taking();
  // True when every execution finished and its ack went out before `deadline`.
  bool wait_finished(std::chrono::steady_clock::time_point deadline);
  int in_flight() const { return in_flight_.load(); }
  const std::string& name() const { return name_; }

 private:
  struct Pending;
  struct Settled;
  void pull_loop(nats::PullConsumer& consumer);
  void heartbeat_loop();
  void settle_loop();
  void handle_core(nats::Message message);
  // Waits until `room` more executions fit under max_in_flight; false when stopping.
  bool wait_for_capacity(int room = 1);
  // Whether `room` more fit beside those in flight and reserved (or none are); under mutex_.
  bool has_room(int room) const;
  // An execution (or a rejected message) is over: ack, retry, reply or dead-letter it.
  void settled(std::shared_ptr<Pending> pending, std::optional<exec::ExecutionResult> result,
               std::string invalid = "");
  void release(const std::shared_ptr<Pending>& pending);
  bool wait_for_token();
  // Runs it (or rejects it); `reserved`: its room was reserved by the puller's request.
  void dispatch(std::shared_ptr<Pending> pending, bool reserved = false);
  void finish(const std::shared_ptr<Pending>& pending, const exec::ExecutionResult& result);
  void dead_letter(const std::shared_ptr<Pending>& pending, const std::string& error);
  void log(nlohmann::json record) const;

  exec::WorkflowRuntime& runtime_;
  nats::NatsClient& nats_;
  Metrics& metrics_;
  spec::QueueTrigger config_;
  std::string name_;
  std::string dlq_subject_;
  QueueConsumerOptions options_;
  SystemClock system_clock_;
  std::optional<TokenBucket> bucket_;
  std::optional<SchemaValidator> schema_;
  int max_in_flight_ = 0;
  // JetStream: more messages are asked for once this much room is free (see the constructor).
  int refill_ = 1;
  int max_deliver_ = 5;
  std::vector<std::chrono::milliseconds> backoff_;
  std::chrono::milliseconds ack_wait_{30000};

  std::unique_ptr<nats::PullConsumer> consumer_;
  std::unique_ptr<nats::CoreSubscription> core_subscription_;
  // Core NATS messages that had reached this engine when it stopped and were not run.
  std::atomic<int> core_not_run_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  int reserved_ = 0;  // room the puller's requests under way may fill; under mutex_
  mutable std::mutex mutex_;
  std::condition_variable capacity_;  // in_flight_ fell to the refill mark, or to 0; stopping
  std::condition_variable heartbeat_wake_;
  // wait_finished() is done waiting (the heartbeat stops); under mutex_
  bool grace_over_ = false;
  std::set<std::shared_ptr<Pending>> running_;  // for in-progress acks
  // Executions that succeeded or will be retried, waiting for the settle thread's ack, nak or
  // reply (see settled()). Their room under max_in_flight is already free.
  std::mutex settled_mutex_;
  std::condition_variable settled_wake_;
  std::condition_variable settle_drained_;  // settling_ fell to 0
  std::vector<Settled> settled_;
  std::atomic<int> settling_{0};  // handed to the settle thread, not yet acked
  bool settler_asleep_ = false;   // waiting without a timeout: must be woken
  bool settle_stopping_ = false;
  std::thread settler_;
  std::thread puller_;
  std::thread heartbeat_;
  // Dead letters wait for JetStream's ack: on their own thread, so acks keep going.
  // Last: its destructor finishes queued work, which uses the members above.
  WorkerPool dead_letters_{1};
};

}  // namespace pd::server
