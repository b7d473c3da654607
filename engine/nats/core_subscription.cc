#include "engine/nats/core_subscription.h"

#include <nats/nats.h>

namespace pd::nats {

void CoreSubscription::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* self = static_cast<CoreSubscription*>(closure);
  Message message = from_nats_msg(msg);
  natsMsg_Destroy(msg);
  self->handler_(std::move(message));
}

Result<std::unique_ptr<CoreSubscription>> CoreSubscription::open(
    NatsClient& client, const std::string& subject, const std::string& queue_group,
    std::function<void(Message)> handler) {
  std::unique_ptr<CoreSubscription> sub(new CoreSubscription());
  sub->handler_ = std::move(handler);
  natsStatus s = natsConnection_QueueSubscribe(&sub->subscription_, client.connection(),
                                               subject.c_str(), queue_group.c_str(),
                                               &CoreSubscription::on_message, sub.get());
  if (s != NATS_OK) return nats_error("subscribing to " + subject + " (queue " + queue_group + ")", s);
  return sub;
}

void CoreSubscription::stop_receiving() {
  if (subscription_ && !draining_) draining_ = natsSubscription_Drain(subscription_) == NATS_OK;
}

CoreSubscription::~CoreSubscription() {
  if (subscription_) {
    // Drain: the handler finishes what it has (and is not called after this returns).
    stop_receiving();
    if (draining_) {
      natsSubscription_WaitForDrainCompletion(subscription_, 30000);
    } else {
      natsSubscription_Unsubscribe(subscription_);
    }
    natsSubscription_Destroy(subscription_);
  }
}

}  // namespace pd::nats
