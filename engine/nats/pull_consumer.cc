#include "engine/nats/pull_consumer.h"

#include <nats/nats.h>

#include <cstdlib>
#include <cstring>

#include "engine/util/thread_name.h"

namespace pd::nats {

Delivery::Delivery(natsMsg* msg, natsConnection* connection)
    : msg_(msg), connection_(connection), message_(from_nats_msg(msg)) {
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

// JetStream's acknowledgement protocol, as cnats's natsMsg_Ack sends it; sent here because a
// continuously pulled message arrives on a plain subscription, which natsMsg_Ack refuses.
Status Delivery::send(const std::string& what, const std::string& body, bool ends_it) {
  if (ends_it ? ended_.exchange(true) : ended_.load()) return Status();
  const char* reply = natsMsg_GetReply(msg_);
  if (reply == nullptr || *reply == '\0') {
    return invalid_argument(what + ": not a JetStream message (no reply subject)");
  }
  natsStatus s = natsConnection_Publish(connection_, reply, body.data(),
                                        static_cast<int>(body.size()));
  return s == NATS_OK ? Status() : nats_error(what, s);
}

Status Delivery::ack() { return send("ack", "+ACK", true); }

Status Delivery::nak(std::chrono::milliseconds delay) {
  if (delay.count() <= 0) return send("nak", "-NAK", true);
  int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count();
  return send("nak", "-NAK {\"delay\":" + std::to_string(nanos) + "}", true);
}

Status Delivery::in_progress() { return send("in-progress ack", "+WPI", false); }

Status Delivery::term() { return send("term", "+TERM", true); }

Result<std::unique_ptr<PullConsumer>> PullConsumer::open(NatsClient& client,
                                                         ConsumerSettings settings) {
  std::unique_ptr<PullConsumer> consumer(new PullConsumer());
  consumer->settings_ = std::move(settings);
  consumer->connection_ = client.connection();
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

void PullConsumer::push_requests_loop() {
  name_this_thread("pd-pull-push");
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(push_mutex_);
      push_wanted_.wait(lock, [this] { return push_pending_ || push_stopping_; });
      if (push_stopping_) return;
      push_pending_ = false;
    }
    // Writes the buffer (requests, and acks waiting with them) and a PING, then waits for the
    // PONG; requests made meanwhile go out with the next round. Errors show elsewhere: a
    // request that never arrives is written off like any other (see recount()).
    natsConnection_FlushTimeout(connection_, 200);
  }
}

PullConsumer::~PullConsumer() {
  if (pusher_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(push_mutex_);
      push_stopping_ = true;
    }
    push_wanted_.notify_one();
    pusher_.join();
  }
  // Unsubscribing would delete the durable consumer: only release our handle.
  if (subscription_) natsSubscription_Destroy(subscription_);
  if (inbox_subscription_) {
    natsSubscription_Unsubscribe(inbox_subscription_);
    natsSubscription_Destroy(inbox_subscription_);
  }
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
    out.push_back(std::make_unique<Delivery>(list.Msgs[i], connection_));
    list.Msgs[i] = nullptr;  // owned by the Delivery now
  }
  natsMsgList_Destroy(&list);
  return out;
}

Status PullConsumer::open_inbox() {
  natsInbox* inbox = nullptr;
  natsStatus s = natsInbox_Create(&inbox);
  if (s != NATS_OK) return nats_error("creating an inbox", s);
  inbox_ = inbox;
  natsInbox_Destroy(inbox);
  s = natsConnection_SubscribeSync(&inbox_subscription_, connection_, (inbox_ + ".*").c_str());
  if (s != NATS_OK) {
    inbox_subscription_ = nullptr;
    return nats_error("subscribing to the pull inbox of " + settings_.durable, s);
  }
  next_subject_ = "$JS.API.CONSUMER.MSG.NEXT." + settings_.stream + "." + settings_.durable;
  return Status();
}

Status PullConsumer::request(int batch, std::chrono::milliseconds expires) {
  if (batch <= 0) return Status();
  if (!inbox_subscription_) {
    if (Status opened = open_inbox(); !opened.is_ok()) return opened;
  }
  std::string body = "{\"batch\":" + std::to_string(batch) + ",\"expires\":" +
                     std::to_string(std::chrono::nanoseconds(expires).count()) + "}";
  uint64_t number = ++last_request_;
  std::string reply = inbox_ + "." + std::to_string(number);
  natsStatus s = natsConnection_PublishRequest(connection_, next_subject_.c_str(), reply.c_str(),
                                               body.data(), static_cast<int>(body.size()));
  if (s != NATS_OK) return nats_error("asking " + settings_.durable + " for messages", s);
  // The server ends the request at `expires`; a second more allows for the request and the
  // last messages to travel.
  lifetime_ = expires + std::chrono::seconds(1);
  auto now = std::chrono::steady_clock::now();
  forget_past_lifetime(now);
  sent_[number] = {now, batch};
  requested_ += batch;
  if (!pusher_.joinable()) pusher_ = std::thread([this] { push_requests_loop(); });
  {
    std::lock_guard<std::mutex> lock(push_mutex_);
    push_pending_ = true;
  }
  push_wanted_.notify_one();
  return Status();
}

void PullConsumer::forget_past_lifetime(std::chrono::steady_clock::time_point now) {
  while (!sent_.empty() && now - sent_.begin()->second.at > lifetime_) sent_.erase(sent_.begin());
}

int PullConsumer::recount(std::chrono::steady_clock::time_point now) {
  forget_past_lifetime(now);
  if (now - last_delivery_ <= lifetime_) return 0;
  int still_to_come = 0;
  for (const auto& [number, request] : sent_) still_to_come += request.batch;
  int written_off = std::max(0, requested_ - still_to_come);
  requested_ -= written_off;
  return written_off;
}

// A pull request the server turned down when it came (409 "Exceeded MaxWaiting" and the other
// limits, a malformed request): nothing was delivered for it. A 409 that ends a request under way
// (Consumer Deleted, Leadership Change) may come after some of its messages.
bool PullConsumer::refused_outright(const std::string& code, const std::string& description) {
  if (code == "400") return true;
  return code == "409" && (description.rfind("Exceeded ", 0) == 0 ||
                           description == "Consumer is push based");
}

PullConsumer::Pulled PullConsumer::next(std::chrono::milliseconds wait) {
  Pulled out;
  if (!inbox_subscription_) return out;
  natsMsg* msg = nullptr;
  natsStatus s = natsSubscription_NextMsg(&msg, inbox_subscription_,
                                          std::max<int64_t>(1, wait.count()));
  if (s == NATS_TIMEOUT) {
    out.written_off = recount(std::chrono::steady_clock::now());
    return out;
  }
  if (s != NATS_OK) {
    out.problem = nats_error("pulling from " + settings_.durable, s);
    return out;
  }
  const char* reply = natsMsg_GetReply(msg);
  const char* status = nullptr;
  if ((reply == nullptr || *reply == '\0') &&
      natsMsgHeader_Get(msg, "Status", &status) == NATS_OK) {
    // The server's word on request <inbox>.<number>: 100 is a heartbeat; anything else ends it.
    std::string code = status ? status : "";
    if (code == "100") {
      natsMsg_Destroy(msg);
      return out;
    }
    const char* subject = natsMsg_GetSubject(msg);
    size_t prefix = inbox_.size() + 1;
    auto request = sent_.end();
    if (subject && std::strlen(subject) > prefix) {
      request = sent_.find(std::strtoull(subject + prefix, nullptr, 10));
    }
    const char* description = nullptr;
    natsMsgHeader_Get(msg, "Description", &description);
    std::string said = description ? description : "";
    const char* pending = nullptr;
    int left = -1;  // unknown: recount() sets it right later
    if (natsMsgHeader_Get(msg, "Nats-Pending-Messages", &pending) == NATS_OK && pending) {
      left = std::atoi(pending);
    } else if (request != sent_.end() && refused_outright(code, said)) {
      left = request->second.batch;  // refused as it came: none of it was served
    }
    if (left >= 0) {
      left = std::min(requested_, left);
      out.written_off += left;
      requested_ -= left;
    }
    if (request != sent_.end()) sent_.erase(request);
    if (code != "408") {
      std::string hint =
          said == "Exceeded MaxWaiting"
              ? " (more pull requests waiting at once than the consumer's max_waiting allows: "
                "lower max_in_flight, run fewer replicas, or raise the consumer's max_waiting)"
              : "";
      out.problem = Status(StatusCode::kUnavailable,
                           "the server ended a pull request on " + settings_.durable + ": " +
                               code + (said.empty() ? "" : " " + said) + hint);
    }
    natsMsg_Destroy(msg);
    return out;
  }
  last_delivery_ = std::chrono::steady_clock::now();
  if (requested_ > 0) {
    out.was_requested = true;
    --requested_;
  }
  out.delivery = std::make_unique<Delivery>(msg, connection_);
  return out;
}

}  // namespace pd::nats
