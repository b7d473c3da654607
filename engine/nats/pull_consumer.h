// A JetStream durable pull consumer: the stream (subjects = the trigger subject) and the durable
// consumer are created when missing and reused when present. Messages come in batches no larger
// than the caller has room for, so bursts wait in the stream rather than in memory: either
// fetched (fetch(): cnats returns a batch once all of it has arrived) or pulled continuously
// (request() + next(): each message is handed on as it arrives, and more are asked for while
// earlier ones are still on their way).
#pragma once

#include <atomic>
#include <condition_variable>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/nats/nats_client.h"

typedef struct __natsSubscription natsSubscription;
typedef struct __natsConnection natsConnection;

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

// One fetched message; exactly one of ack, nak or term should end it. Each sends JetStream's
// acknowledgement protocol to the message's reply subject on `connection`; after the first,
// the others (and in_progress) send nothing.
class Delivery {
 public:
  Delivery(natsMsg* msg, natsConnection* connection);
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
  Status send(const std::string& what, const std::string& body, bool ends_it);
  natsMsg* msg_;
  natsConnection* connection_;
  std::atomic<bool> ended_{false};
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

  // Continuous pulling (not to be mixed with fetch() on one consumer; one thread calls these).
  // Asks the server for `batch` more messages, sent as they become available until `expires`.
  Status request(int batch, std::chrono::milliseconds expires);
  // What next() found: a message (or none within the wait), and how many requested messages
  // will no longer come, their requests having ended.
  struct Pulled {
    std::unique_ptr<Delivery> delivery;
    bool was_requested = false;  // false: it came after its request was written off
    int written_off = 0;
    // Set when the server ended a request for a reason other than its expiry (the consumer
    // deleted, a leader change), with its words; or when the subscription failed.
    Status problem;
  };
  // The next message, waiting at most `wait`.
  Pulled next(std::chrono::milliseconds wait);
  // Messages asked for that have neither arrived nor been written off.
  int requested() const { return requested_; }
  // Requests sent within their lifetime and not ended by a status (what recount() counts on).
  size_t requests_tracked() const { return sent_.size(); }

 private:
  PullConsumer() = default;
  Status open_inbox();
  // Sets the count right when no message has arrived for a whole request lifetime: every
  // request sent before that window has ended at the server, and every one sent within it has
  // brought nothing yet, so exactly the batches of those not ended by a status are still to
  // come. Returns how many were written off.
  // (Until then the count errs high: fewer messages are asked for, never more.)
  int recount(std::chrono::steady_clock::time_point now);
  static bool refused_outright(const std::string& code, const std::string& description);
  // Drops from sent_ the requests past their lifetime: ended at the server, with or without a
  // status. Run with every request too, since under load recount() never runs (a request
  // served in full gets no status) and sent_ would grow by every request sent.
  void forget_past_lifetime(std::chrono::steady_clock::time_point now);
  ConsumerSettings settings_;
  natsConnection* connection_ = nullptr;
  natsSubscription* subscription_ = nullptr;
  // Continuous pulling. A message delivered for a request does not say which request it was
  // for; the server says when a request expires and how many of its messages did not come
  // (408 with Nats-Pending-Messages). That word can be missing: lost in a reconnect, never
  // sent for a request that expires just as a message comes (nats-server 2.9 drops it
  // silently), or sent without a count (409 Consumer Deleted, Leadership Change). recount()
  // repairs all three once deliveries pause for a request lifetime, which they do when the
  // phantom room grows large enough to stop new requests.
  natsSubscription* inbox_subscription_ = nullptr;
  std::string inbox_;
  std::string next_subject_;  // $JS.API.CONSUMER.MSG.NEXT.<stream>.<durable>
  int requested_ = 0;
  // Requests sent within the last request lifetime and not yet ended by a status, by number:
  // each is answered on <inbox>.<number>, so a status says which request it ends (messages
  // carry their own subject and say nothing).
  struct Sent {
    std::chrono::steady_clock::time_point at;
    int batch;
  };
  std::map<uint64_t, Sent> sent_;
  uint64_t last_request_ = 0;
  std::chrono::milliseconds lifetime_{0};  // expires + 1 s, of the last request sent
  std::chrono::steady_clock::time_point last_delivery_{};

  // A request is written out at once by a thread of its own (natsConnection_Flush), not when
  // cnats's flusher gets to it: that one waits a millisecond to gather more, and under load
  // the isolates ran dry while requests sat in the write buffer.
  void push_requests_loop();
  std::mutex push_mutex_;
  std::condition_variable push_wanted_;
  bool push_pending_ = false;  // under push_mutex_
  bool push_stopping_ = false;  // under push_mutex_
  std::thread pusher_;  // started with the first request
};

}  // namespace pd::nats
