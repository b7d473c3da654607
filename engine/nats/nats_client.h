// One NATS connection (cnats) with JetStream: connects with token, user+password, a creds file
// or TLS, retries a failed first connect and reconnects forever, and reports whether it is
// connected (the engine's /ready). Publishing core or through JetStream (waiting for the
// stream's acknowledgement, de-duplicated by message id), creating streams and reading them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/status.h"

typedef struct __natsConnection natsConnection;
typedef struct __jsCtx jsCtx;
typedef struct __natsMsg natsMsg;
typedef struct __natsOptions natsOptions;

namespace pd::nats {

using MessageHeaders = std::vector<std::pair<std::string, std::string>>;

struct Message {
  std::string subject;
  std::string data;
  MessageHeaders headers;
  std::string reply;

  // The first value of header `name` (case-insensitive), or "": a view into this message.
  std::string_view header(std::string_view name) const;
};

struct ConnectSettings {
  std::vector<std::string> urls;  // nats://host:port or tls://host:port
  std::string name;               // shown in the server's connection list
  std::string token;
  std::string user;
  std::string password;
  std::string creds_file;  // a .creds file (JWT + NKey seed)
  std::string ca_pem;      // trust these CAs (implies TLS)
  std::string cert_pem;    // client certificate and key for mutual TLS
  std::string key_pem;
  std::chrono::milliseconds reconnect_wait{250};
  // Called (on a cnats thread) on disconnect and reconnect with the new state.
  std::function<void(bool connected)> on_state;
};

// A message as a stream stores it.
struct StoredMessage {
  uint64_t sequence = 0;
  std::chrono::system_clock::time_point time;
  Message message;
};

struct StreamRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t messages = 0;
};

struct PublishAck {
  std::string stream;
  uint64_t sequence = 0;
  bool duplicate = false;  // JetStream had this message id already
};

// Publishes events; what the webhook gateway needs (tests may substitute it).
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Returns once the stream has stored the message (or recognised `msg_id` as a duplicate).
  virtual Result<PublishAck> publish_durably(const Message& message, const std::string& msg_id,
                                             std::chrono::milliseconds timeout) = 0;
  virtual bool connected() const = 0;
};

class NatsClient : public EventPublisher {
 public:
  // Errors: bad settings (unreadable creds, bad PEM). A server that is down is not an error: the
  // client keeps trying, and connected() says when it is up.
  static Result<std::unique_ptr<NatsClient>> connect(ConnectSettings settings);
  ~NatsClient() override;
  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;

  bool connected() const override;
  // cnats stopped trying (a server that refused it twice, say): it will not connect.
  bool gave_up() const;
  // Waits up to `timeout` for the (first) connection, or until `cancelled` says so; returns
  // connected().
  bool wait_connected(std::chrono::milliseconds timeout,
                      const std::function<bool()>& cancelled = nullptr) const;
  // Why the last attempt to connect failed (e.g. "Authorization Violation"); "" when none did.
  std::string last_error() const;
  Status publish(const Message& message);
  // Core request-reply: publishes with a fresh reply subject and waits for one answer.
  Result<Message> request(const Message& message, std::chrono::milliseconds timeout);
  Result<PublishAck> publish_durably(const Message& message, const std::string& msg_id,
                                     std::chrono::milliseconds timeout) override;
  // Creates stream `name` capturing `subjects` when it does not exist (kept as it is otherwise).
  Status ensure_stream(const std::string& name, const std::vector<std::string>& subjects,
                       int replicas = 1);
  // The stream whose subjects capture `subject`; NotFound when none does.
  Result<std::string> stream_for_subject(const std::string& subject);
  Result<StreamRange> stream_range(const std::string& stream);
  // nullopt when `sequence` was deleted (or never existed).
  Result<std::optional<StoredMessage>> stored_message(const std::string& stream, uint64_t sequence);
  Status delete_stored(const std::string& stream, uint64_t sequence);
  // Flushes what was published (acks, replies) and closes. Stop consumers first.
  Status drain(std::chrono::milliseconds timeout);

  natsConnection* connection() const { return connection_; }
  jsCtx* jetstream() const { return jetstream_; }

 private:
  NatsClient() = default;
  static void on_disconnected(natsConnection* nc, void* closure);
  static void on_reconnected(natsConnection* nc, void* closure);
  static void on_closed(natsConnection* nc, void* closure);
  // Why the server refuses a connection, from one attempt made now; "" when it accepts it.
  std::string refusal_reason() const;

  ConnectSettings settings_;
  natsOptions* options_ = nullptr;
  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
  std::string creds_path_;  // a private copy when the creds came as text
  // cnats calls back on its own thread, the closed callback last: the destructor waits for it.
  std::mutex closed_mutex_;
  std::condition_variable closed_changed_;
  bool closed_ = false;
};

// A Status from a cnats status code and its last error text, prefixed with `what`.
Status nats_error(const std::string& what, int nats_status, int js_error_code = 0);

// Builds a natsMsg (caller destroys) / reads one into a Message.
Result<natsMsg*> to_nats_msg(const Message& message);
Message from_nats_msg(natsMsg* msg);

}  // namespace pd::nats
