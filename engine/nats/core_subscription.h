// A core NATS queue-group subscription (at-most-once): replicas in one group share the messages.
// The handler runs on the subscription's own cnats thread, one message at a time, so a handler
// that waits for room applies backpressure (messages then queue in cnats, up to its limits).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/nats/nats_client.h"

typedef struct __natsSubscription natsSubscription;

namespace pd::nats {

class CoreSubscription {
 public:
  static Result<std::unique_ptr<CoreSubscription>> open(NatsClient& client,
                                                        const std::string& subject,
                                                        const std::string& queue_group,
                                                        std::function<void(Message)> handler);
  ~CoreSubscription();  // drains: the handler finishes what it has, then is not called again
  // Starts the drain without waiting for it: NATS sends this subscriber no more messages (the
  // rest of its queue group gets them), and those already here still go to the handler.
  void stop_receiving();

 private:
  CoreSubscription() = default;
  static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure);
  std::function<void(Message)> handler_;
  natsSubscription* subscription_ = nullptr;
  bool draining_ = false;
};

}  // namespace pd::nats
