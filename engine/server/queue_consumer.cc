#include "engine/server/queue_consumer.h"

#include <algorithm>

#include "engine/server/message_input.h"
#include "engine/util/thread_name.h"

namespace pd::server {

struct QueueConsumer::Pending {
  std::unique_ptr<nats::Delivery> delivery;  // JetStream; null for core NATS
  nats::Message message;                     // core NATS (JetStream: delivery->message())
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  const nats::Message& msg() const { return delivery ? delivery->message() : message; }
  uint64_t attempt() const { return delivery ? delivery->info().delivered : 1; }
};

struct QueueConsumer::Settled {
  std::shared_ptr<Pending> pending;
  exec::ExecutionResult result;
};

int pull_refill_mark(int max_in_flight, bool rate_limited) {
  if (rate_limited) return 1;
  return std::max(std::clamp(max_in_flight / 8, 1, 64), (max_in_flight + 127) / 128);
}

QueueConsumer::QueueConsumer(exec::WorkflowRuntime& runtime, nats::NatsClient& nats,
                             Metrics& metrics, const spec::Trigger& trigger,
                             QueueConsumerOptions options)
    : runtime_(runtime),
      nats_(nats),
      metrics_(metrics),
      config_(std::get<spec::QueueTrigger>(trigger.kind)),
      name_(trigger.name.empty() ? config_.subject : trigger.name),
      options_(std::move(options)) {
  dlq_subject_ = config_.dead_letter.empty() ? default_dead_letter_subject(config_.subject)
                                             : config_.dead_letter;
  max_in_flight_ = config_.max_in_flight.value_or(64);
  refill_ = pull_refill_mark(max_in_flight_, config_.rate.has_value());
  const Clock& clock = options_.clock ? *options_.clock : system_clock_;
  if (config_.rate) bucket_.emplace(config_.rate->per_second, config_.rate->burst, clock);
  if (config_.jetstream) {
    const spec::JetStreamOptions& js = *config_.jetstream;
    max_deliver_ = js.max_deliver.value_or(5);
    if (js.ack_wait)
      ack_wait_ = std::chrono::duration_cast<std::chrono::milliseconds>(js.ack_wait->value);
    for (const Duration& d : js.backoff) {
      backoff_.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(d.value));
    }
  }
}

QueueConsumer::~QueueConsumer() {
  stop(std::chrono::milliseconds(0));
  {
    // Executions still running call back into this object: wait for the last, whatever grace
    // stop() had (a start cut short, say). Node timeouts bound the wait.
    std::unique_lock<std::mutex> lock(mutex_);
    capacity_.wait(lock, [this] { return in_flight_.load() == 0; });
  }
  {
    std::lock_guard<std::mutex> lock(settled_mutex_);
    settle_stopping_ = true;
    settled_wake_.notify_all();
  }
  if (settler_.joinable()) settler_.join();
}

void QueueConsumer::log(nlohmann::json record) const {
  if (!options_.log) return;
  record["trigger"] = name_;
  options_.log(record);
}

Status QueueConsumer::start() {
  const std::string& workflow = runtime_.workflow().name;
  auto failed = [&](const Status& status) {
    return Status(status.code(), "queue trigger \"" + name_ + "\": " + status.message());
  };
  if (!config_.schema.empty()) {
    Result<SchemaValidator> schema =
        SchemaValidator::load(runtime_.workflow().dir / config_.schema);
    if (!schema.is_ok()) return failed(schema.status());
    schema_.emplace(std::move(schema).value());
  }
  Result<std::string> dlq_stream = ensure_dead_letter_stream(nats_, dlq_subject_);
  if (!dlq_stream.is_ok()) return failed(dlq_stream.status());
  settler_ = std::thread([this] { settle_loop(); });
  if (config_.jetstream) {
    const spec::JetStreamOptions& js = *config_.jetstream;
    nats::ConsumerSettings settings;
    settings.subject = config_.subject;
    settings.stream = !js.stream.empty() ? js.stream : "PD_" + workflow;
    for (char& c : settings.stream) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    }
    settings.durable = !js.durable.empty() ? js.durable : workflow;
    settings.ack_wait = ack_wait_;
    settings.max_deliver = max_deliver_;
    settings.deliver_policy = js.deliver_policy;
    if (!js.start_time.empty()) settings.start_time = parse_rfc3339(js.start_time);
    settings.max_ack_pending = js.max_ack_pending.value_or(std::max(1000, max_in_flight_));
    // A stream that already stores the subject (made by someone else) is used as it is.
    if (Result<std::string> existing = nats_.stream_for_subject(config_.subject);
        existing.is_ok()) {
      settings.stream = existing.value();
    }
    Result<std::unique_ptr<nats::PullConsumer>> consumer =
        nats::PullConsumer::open(nats_, settings);
    if (!consumer.is_ok()) return failed(consumer.status());
    consumer_ = std::move(consumer).value();
    puller_ = std::thread([this] { pull_loop(*consumer_); });
    heartbeat_ = std::thread([this] { heartbeat_loop(); });
    log({{"level", "info"},
         {"message", "consuming"},
         {"subject", config_.subject},
         {"stream", settings.stream},
         {"durable", settings.durable},
         {"deadLetter", dlq_subject_}});
    return Status();
  }
  std::string group = config_.queue_group.empty() ? workflow : config_.queue_group;
  Result<std::unique_ptr<nats::CoreSubscription>> sub = nats::CoreSubscription::open(
      nats_, config_.subject, group, [this](nats::Message m) { handle_core(std::move(m)); });
  if (!sub.is_ok()) return failed(sub.status());
  core_subscription_ = std::move(sub).value();
  log({{"level", "info"},
       {"message", "subscribed"},
       {"subject", config_.subject},
       {"queueGroup", group}});
  return Status();
}

void QueueConsumer::stop(std::chrono::milliseconds grace) {
  auto deadline = std::chrono::steady_clock::now() + grace;
  stop_taking();
  wait_finished(deadline);
}

void QueueConsumer::stop_taking() {
  if (stopping_.exchange(true)) return;
  // NATS sends a core subscriber nothing more once it drains: the rest of the queue group
  // takes its share, rather than this engine dropping it for as long as it goes on serving
  // HTTP (the shutdown delay).
  if (core_subscription_) core_subscription_->stop_receiving();
  {
    std::lock_guard<std::mutex> lock(mutex_);  // a waiter between its check and its wait
  }
  capacity_.notify_all();
  heartbeat_wake_.notify_all();
}

bool QueueConsumer::wait_finished(std::chrono::steady_clock::time_point deadline) {
  // The requests under way end within fetch_wait; what they bring still runs.
  if (puller_.joinable()) puller_.join();
  core_subscription_.reset();  // drains: no handler runs after this
  if (int dropped = core_not_run_.exchange(0); dropped > 0) {
    log({{"level", "warn"},
         {"message", "core NATS messages that had arrived as the engine stopped were not run "
                     "(core NATS is at-most-once; use jetstream: to have them redelivered)"},
         {"count", dropped}});
  }
  bool finished = false;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    finished = capacity_.wait_until(lock, deadline, [this] { return in_flight_.load() == 0; });
  }
  {
    // Finished executions' acks and naks, queued for the settle thread, go out too.
    std::unique_lock<std::mutex> lock(settled_mutex_);
    finished &=
        settle_drained_.wait_until(lock, deadline, [this] { return settling_.load() == 0; });
  }
  {
    // Past the deadline NATS is drained next, so what still runs gets no more in-progress acks
    // (it is redelivered after ack_wait).
    std::lock_guard<std::mutex> lock(mutex_);
    grace_over_ = true;
  }
  heartbeat_wake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  return finished;
}

bool QueueConsumer::wait_for_capacity(int room) {
  std::unique_lock<std::mutex> lock(mutex_);
  capacity_.wait(lock, [this, room] { return stopping_ || has_room(room); });
  return !stopping_;
}

bool QueueConsumer::has_room(int room) const {
  // Acks lagging a whole max_in_flight behind (a slow NATS server) hold fetches back too, so
  // that memory stays bounded.
  if (settling_.load() >= max_in_flight_) return false;
  int taken = in_flight_.load() + reserved_;
  return taken == 0 || taken <= max_in_flight_ - room;
}

bool QueueConsumer::wait_for_token() {
  if (!bucket_) return true;
  bool waited = false;
  while (!stopping_ && !bucket_->try_take()) {
    if (!waited) metrics_.rate_limited(name_);
    waited = true;
    std::unique_lock<std::mutex> lock(mutex_);
    capacity_.wait_for(lock, std::max(std::chrono::milliseconds(1), bucket_->time_to_next()),
                       [this] { return stopping_.load(); });
  }
  return !stopping_;
}

void QueueConsumer::pull_loop(nats::PullConsumer& consumer) {
  name_this_thread("pd-queue-pull");
  // Messages are asked for as room frees up and handed on one by one as they arrive: no
  // message waits for the rest of its batch (cnats's fetch returns a batch once all of it has
  // come), and one thread does what two pullers taking turns did. Room asked for is reserved
  // (reserved_) until its message arrives or its request ends.
  while (true) {
    // Nothing can arrive: wait for room.
    if (consumer.requested() == 0 && !wait_for_capacity(refill_)) break;
    int ask = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!stopping_ && has_room(refill_) && nats_.connected() &&
          (!bucket_ || consumer.requested() == 0)) {
        // With a rate: one token, one message, however fast the stream fills.
        ask = bucket_ ? 1 : max_in_flight_ - in_flight_.load() - reserved_;
        ask = std::max(ask, 1);
        reserved_ += ask;
      }
    }
    if (ask == 0 && consumer.requested() == 0) {
      // Not connected: nothing to ask for or wait for.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (ask > 0) {
      Status asked = wait_for_token() ? consumer.request(ask, options_.fetch_wait)
                                      : Status(StatusCode::kUnavailable, "stopping");
      if (!asked.is_ok()) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          reserved_ -= ask;
        }
        if (!stopping_) {
          log({{"level", "warn"}, {"message", "pull request failed; retrying"},
               {"error", asked.message()}});
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        continue;
      }
    }
    // The wait is short only so that room freed meanwhile is asked for soon; under load the
    // next message comes long before it ends.
    nats::PullConsumer::Pulled pulled = consumer.next(std::chrono::milliseconds(100));
    if (pulled.written_off > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      reserved_ -= pulled.written_off;
      capacity_.notify_all();
    }
    if (pulled.delivery) {
      auto pending = std::make_shared<Pending>();
      if (pulled.delivery->info().delivered > 1) metrics_.redelivered(name_);
      pending->delivery = std::move(pulled.delivery);
      dispatch(std::move(pending), pulled.was_requested);
    }
    if (!pulled.problem.is_ok()) {
      log({{"level", "warn"}, {"message", "pulling failed; retrying"},
           {"error", pulled.problem.message()}});
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

void QueueConsumer::heartbeat_loop() {
  name_this_thread("pd-queue-beat");
  // In-progress acks at a third of ack_wait keep long executions from being redelivered.
  auto period = std::max(std::chrono::milliseconds(100), ack_wait_ / 3);
  for (;;) {
    std::vector<std::shared_ptr<Pending>> overdue;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      auto over = [this] { return (stopping_ && in_flight_.load() == 0) || grace_over_; };
      heartbeat_wake_.wait_for(lock, period, over);
      if (over()) return;
      auto now = std::chrono::steady_clock::now();
      for (const auto& pending : running_) {
        if (pending->delivery && now - pending->started >= period) overdue.push_back(pending);
      }
    }
    for (const auto& pending : overdue) pending->delivery->in_progress();
  }
}

void QueueConsumer::handle_core(nats::Message message) {
  if (!wait_for_capacity() || !wait_for_token()) {
    ++core_not_run_;
    return;
  }
  auto pending = std::make_shared<Pending>();
  pending->message = std::move(message);
  dispatch(std::move(pending));
}

void QueueConsumer::dispatch(std::shared_ptr<Pending> pending, bool reserved) {
  const nats::Message& message = pending->msg();
  // A JSON payload goes to the nodes as its text, so that its objects keep the sender's key
  // order (a parsed nlohmann::json sorts them); it is parsed here only for a schema to check,
  // and that parse is its check as JSON too.
  Result<nlohmann::json> input = nlohmann::json();
  std::string input_json;
  if (schema_) {
    input = message_input(message, name_);
    if (input.is_ok() && has_json_content_type(message)) input_json = message.data;
  } else {
    input_json = json_payload_text(message);
    if (input_json.empty()) input = message_input(message, name_);
  }
  std::string invalid = input.is_ok() ? "" : input.status().message();
  if (pending->delivery && pending->attempt() > static_cast<uint64_t>(max_deliver_)) {
    // Its last allowed attempt started and never settled (the engine stopped while running it):
    // running it again would exceed max_deliver.
    invalid = "delivered " + std::to_string(pending->attempt()) + " times (max_deliver " +
              std::to_string(max_deliver_) + "); an earlier attempt never finished";
  }
  if (invalid.empty() && schema_) {
    if (Status valid = schema_->validate(input.value()); !valid.is_ok()) {
      invalid = "schema " + config_.schema + ": " + valid.message();
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reserved) --reserved_;  // its room, reserved for the fetch, is now in flight
    ++in_flight_;
    running_.insert(pending);
  }
  if (!invalid.empty()) return settled(std::move(pending), std::nullopt, invalid);
  metrics_.execution_started();
  std::string trigger =
      queue_trigger_json(name_, message, pending->delivery ? &pending->delivery->info() : nullptr);
  // The callback hands its reference on (it runs once): see settled().
  runtime_.execute({.input = std::move(input).value(),
                    .input_json = std::move(input_json),
                    .trigger_json = std::move(trigger)},
                   [this, pending](exec::ExecutionResult result) mutable {
                     settled(std::move(pending), std::move(result));
                   });
}

void QueueConsumer::settled(std::shared_ptr<Pending> pending,
                            std::optional<exec::ExecutionResult> result, std::string invalid) {
  bool retry_or_success =
      result && (result->success ||
                 (pending->delivery && pending->attempt() < static_cast<uint64_t>(max_deliver_)));
  if (!retry_or_success) {
    // A dead letter waits for JetStream's ack: on its own thread, not the caller's.
    dead_letters_.post([this, pending = std::move(pending), result = std::move(result),
                        invalid = std::move(invalid)] {
      if (result) {
        finish(pending, *result);
      } else {
        dead_letter(pending, invalid);
      }
      release(pending);
    });
    return;
  }
  // Acks, naks and replies go out from the settle thread, never from the isolate that ran the
  // execution: a publish waits for cnats's connection lock, which its flusher holds while a
  // slow NATS server takes its writes, and the isolate serves HTTP too. Under load the settle
  // thread looks for work every millisecond instead of being woken for each batch; a reply,
  // or work after a quiet spell, wakes it at once.
  bool reply = !pending->delivery && !pending->msg().reply.empty();
  {
    std::lock_guard<std::mutex> lock(settled_mutex_);
    ++settling_;
    settled_.push_back({pending, std::move(*result)});
    if (settler_asleep_ || reply) settled_wake_.notify_one();
  }
  // The execution is over: its room goes to the next message now, not after the ack (waiting
  // for the settle thread's next look kept up to a quarter of max_in_flight idle under load).
  // Last: once none are in flight, ~QueueConsumer may go on.
  release(pending);
}

void QueueConsumer::settle_loop() {
  name_this_thread("pd-queue-settle");
  std::vector<Settled> batch;
  int idle_polls = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(settled_mutex_);
      auto ready = [this] { return settle_stopping_ || !settled_.empty(); };
      if (idle_polls < 20) {
        settled_wake_.wait_for(lock, std::chrono::milliseconds(1), ready);
      } else {
        settler_asleep_ = true;
        settled_wake_.wait(lock, ready);
        settler_asleep_ = false;
      }
      if (settled_.empty()) {
        if (settle_stopping_) return;
        ++idle_polls;
        continue;
      }
      idle_polls = 0;
      batch.swap(settled_);
    }
    for (Settled& done : batch) finish(done.pending, done.result);
    // The batch's NATS messages are freed together: cnats wakes its collector thread for the
    // first message freed into an empty list, so once a batch rather than once a message.
    int count = static_cast<int>(batch.size());
    batch.clear();
    int before = settling_.fetch_sub(count);
    if (before >= max_in_flight_) {
      std::lock_guard<std::mutex> lock(mutex_);  // pullers held back by has_room
      capacity_.notify_all();
    }
    if (before == count && stopping_) {  // only stop() waits for none left
      std::lock_guard<std::mutex> lock(settled_mutex_);
      settle_drained_.notify_all();
    }
  }
}

void QueueConsumer::release(const std::shared_ptr<Pending>& pending) {
  // Under the lock, notifications too: the destructor goes on as soon as it sees none left.
  std::lock_guard<std::mutex> lock(mutex_);
  running_.erase(pending);
  int left = --in_flight_;
  // Pullers wait for the refill mark; stop() for none left; core handlers for any room.
  if (left == 0 || left + reserved_ <= max_in_flight_ - refill_ || !config_.jetstream) {
    capacity_.notify_all();
  }
  if (left == 0 && stopping_) heartbeat_wake_.notify_all();
}

void QueueConsumer::finish(const std::shared_ptr<Pending>& pending,
                           const exec::ExecutionResult& result) {
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - pending->started).count();
  metrics_.execution_finished(name_, result.success, seconds);
  const nats::Message& message = pending->msg();
  if (!pending->delivery && !message.reply.empty()) {
    nats::Message reply{
        message.reply, result.to_json_text(), {{"Content-Type", "application/json"}}, ""};
    if (Status sent = nats_.publish(reply); !sent.is_ok()) {
      log({{"level", "warn"}, {"message", "reply failed"}, {"error", sent.message()}});
    }
  }
  if (result.success) {
    if (pending->delivery) {
      if (Status acked = pending->delivery->ack(); !acked.is_ok()) {
        // Redelivered after ack_wait: at least once, never lost.
        log({{"level", "warn"},
             {"message", "ack failed; the message will be redelivered"},
             {"error", acked.message()}});
      }
    }
    return;
  }
  std::string error;
  for (const auto& [node, message_text] : result.errors.items()) {
    error += (error.empty() ? "" : "; ") + node + ": " +
             (message_text.is_string() ? message_text.get<std::string>() : message_text.dump());
  }
  uint64_t attempt = pending->attempt();
  if (pending->delivery && attempt < static_cast<uint64_t>(max_deliver_)) {
    std::chrono::milliseconds delay =
        backoff_.empty() ? std::chrono::milliseconds(std::min<int64_t>(
                               60000, int64_t{1000} << std::min<uint64_t>(attempt - 1, 6)))
                         : backoff_[std::min<size_t>(attempt - 1, backoff_.size() - 1)];
    log({{"level", "warn"},
         {"message", "execution failed; will retry"},
         {"attempt", attempt},
         {"maxDeliver", max_deliver_},
         {"retryInMs", delay.count()},
         {"error", error},
         {"executionId", result.execution_id}});
    pending->delivery->nak(delay);
    return;
  }
  dead_letter(pending, error.empty() ? "the execution failed" : error);
}

void QueueConsumer::dead_letter(const std::shared_ptr<Pending>& pending, const std::string& error) {
  const nats::Message& message = pending->msg();
  DeadLetterReason reason{error,
                          pending->attempt(),
                          message.subject,
                          pending->delivery ? pending->delivery->info().stream_sequence : 0,
                          runtime_.workflow().name,
                          name_};
  nats::Message letter = dead_letter_message(message, dlq_subject_, reason);
  std::string id = pending->delivery ? "pd-dlq-" + pending->delivery->info().stream + "-" +
                                           std::to_string(pending->delivery->info().stream_sequence)
                                     : "";
  Result<nats::PublishAck> stored = nats_.publish_durably(letter, id, std::chrono::seconds(5));
  if (!stored.is_ok()) {
    // Never drop it: leave it to be delivered again (JetStream) and say so.
    log({{"level", "error"},
         {"message", "could not publish the dead letter"},
         {"deadLetter", dlq_subject_},
         {"error", stored.status().message()}});
    if (pending->delivery) pending->delivery->nak(std::chrono::seconds(5));
    return;
  }
  metrics_.dead_lettered(name_);
  log({{"level", "error"},
       {"message", "dead-lettered"},
       {"subject", message.subject},
       {"deadLetter", dlq_subject_},
       {"attempts", reason.attempts},
       {"error", error}});
  if (pending->delivery) pending->delivery->term();
}

}  // namespace pd::server
