#include "engine/nats/pull_consumer.h"

#include <nats/nats.h>

namespace pd::nats {

Delivery::Delivery(natsMsg* msg) : msg_(msg), message_(from_nats_msg(msg)) {
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
    info_.stream = meta->Stream ? meta->Stream : "";
    info_.consumer = meta->Consumer ? meta->Consumer : "";
    info_.stream_sequence = meta->Sequence.Stream;
    info_.consumer_sequence = meta->Sequence.Consumer;
    info_.delivered = meta->NumDelivered;
    info_.pending = meta->NumPending;
    info_.timestamp_ns = meta->Timestamp;
    jsMsgMetaData_Destroy(meta);
  }
}

Delivery::~Delivery() { natsMsg_Destroy(msg_); }

Status Delivery::ack() {
  natsStatus s = natsMsg_Ack(msg_, nullptr);
  return s == NATS_OK ? Status() : nats_error("ack", s);
}

Status Delivery::nak(std::chrono::milliseconds delay) {
  natsStatus s = natsMsg_NakWithDelay(msg_, delay.count(), nullptr);
  return s == NATS_OK ? Status() : nats_error("nak", s);
}

Status Delivery::in_progress() {
  natsStatus s = natsMsg_InProgress(msg_, nullptr);
  return s == NATS_OK ? Status() : nats_error("in-progress ack", s);
}

Status Delivery::term() {
  natsStatus s = natsMsg_Term(msg_, nullptr);
  return s == NATS_OK ? Status() : nats_error("term", s);
}

Result<std::unique_ptr<PullConsumer>> PullConsumer::open(NatsClient& client,
                                                         ConsumerSettings settings) {
  std::unique_ptr<PullConsumer> consumer(new PullConsumer());
  consumer->settings_ = std::move(settings);
  const ConsumerSettings& s = consumer->settings_;
  if (Status stream = client.ensure_stream(s.stream, {s.subject}); !stream.is_ok()) return stream;
  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = s.stream.c_str();
  options.ManualAck = true;
  jsConsumerConfig& config = options.Config;
  config.Durable = s.durable.c_str();
  config.AckPolicy = js_AckExplicit;
  config.AckWait = std::chrono::duration_cast<std::chrono::nanoseconds>(s.ack_wait).count();
  // The engine enforces max_deliver itself (dead letter after the last attempt); the server
  // must never stop redelivering on its own, or a message whose dead letter failed would be lost.
  config.MaxDeliver = -1;
  config.MaxAckPending = s.max_ack_pending;
  config.FilterSubject = s.subject.c_str();
  if (s.deliver_policy == "new") {
    config.DeliverPolicy = js_DeliverNew;
  } else if (s.deliver_policy == "by_start_time" && s.start_time) {
    config.DeliverPolicy = js_DeliverByStartTime;
    config.OptStartTime = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              s.start_time->time_since_epoch())
                              .count();
  } else {
    config.DeliverPolicy = js_DeliverAll;
  }
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus st = js_PullSubscribe(&consumer->subscription_, client.jetstream(), s.subject.c_str(),
                                   s.durable.c_str(), nullptr, &options, &js_error);
  if (st != NATS_OK) {
    return nats_error("durable consumer " + s.durable + " on stream " + s.stream, st, js_error);
  }
  return consumer;
}

PullConsumer::~PullConsumer() {
  // Unsubscribing would delete the durable consumer: only release our handle.
  if (subscription_) natsSubscription_Destroy(subscription_);
}

Result<std::vector<std::unique_ptr<Delivery>>> PullConsumer::fetch(int batch,
                                                                   std::chrono::milliseconds wait) {
  natsMsgList list{};
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_Fetch(&list, subscription_, batch, wait.count(), &js_error);
  std::vector<std::unique_ptr<Delivery>> out;
  if (s == NATS_TIMEOUT) return out;
  if (s != NATS_OK) return nats_error("fetching from " + settings_.durable, s, js_error);
  for (int i = 0; i < list.Count; ++i) {
    out.push_back(std::make_unique<Delivery>(list.Msgs[i]));
    list.Msgs[i] = nullptr;  // owned by the Delivery now
  }
  natsMsgList_Destroy(&list);
  return out;
}

}  // namespace pd::nats
