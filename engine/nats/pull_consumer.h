// A JetStream durable pull consumer: the stream (subjects = the trigger subject) and the durable
// consumer are created when missing and reused when present; messages are fetched in batches no
// larger than the caller has room for, so bursts wait in the stream rather than in memory.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/nats/nats_client.h"

typedef struct __natsSubscription natsSubscription;

namespace pd::nats {

struct ConsumerSettings {
  std::string stream;
  std::string durable;
  std::string subject;
  std::chrono::milliseconds ack_wait{30000};
  int max_deliver = 5;
  std::string deliver_policy = "all";  // all | new | by_start_time
  std::optional<std::chrono::system_clock::time_point> start_time;
  int max_ack_pending = 1000;
};

// Where a message sits in the stream and how often it was delivered.
struct DeliveryInfo {
  std::string stream;
  std::string consumer;
  uint64_t stream_sequence = 0;
  uint64_t consumer_sequence = 0;
  uint64_t delivered = 1;  // 1 on the first delivery
  uint64_t pending = 0;
  int64_t timestamp_ns = 0;
};

// One fetched message; exactly one of ack, nak or term should end it.
class Delivery {
 public:
  explicit Delivery(natsMsg* msg);
  ~Delivery();
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  const Message& message() const { return message_; }
  const DeliveryInfo& info() const { return info_; }
  Status ack();
  Status nak(std::chrono::milliseconds delay);
  Status in_progress();  // "still working": restarts the server's ack_wait clock
  Status term();         // never deliver again

 private:
  natsMsg* msg_;
  Message message_;
  DeliveryInfo info_;
};

class PullConsumer {
 public:
  static Result<std::unique_ptr<PullConsumer>> open(NatsClient& client, ConsumerSettings settings);
  ~PullConsumer();

  // Up to `batch` messages, waiting at most `wait` for the first; empty when none came.
  Result<std::vector<std::unique_ptr<Delivery>>> fetch(int batch, std::chrono::milliseconds wait);
  const ConsumerSettings& settings() const { return settings_; }

 private:
  PullConsumer() = default;
  ConsumerSettings settings_;
  natsSubscription* subscription_ = nullptr;
};

}  // namespace pd::nats
