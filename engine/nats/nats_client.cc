#include "engine/nats/nats_client.h"

#include <nats/nats.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/util/text.h"

namespace pd::nats {
namespace {

// cnats keeps library state (its threads, the SSL init) process-wide: initialise it once.
void open_library() {
  static const natsStatus opened = nats_Open(-1);
  (void)opened;
}

}  // namespace

std::string_view Message::header(std::string_view name) const {
  // Compared in place and not copied: this runs for every message (its Content-Type).
  for (const auto& [key, value] : headers) {
    if (equals_ignoring_case(key, name)) return value;
  }
  return {};
}

namespace {

// cnats prefixes its errors with where in its source they arose ("(conn.c:1905): Authorization
// Violation"), which means nothing to a user.
std::string without_source_location(std::string text) {
  if (text.starts_with("(")) {
    size_t end = text.find("): ");
    if (end != std::string::npos) text.erase(0, end + 3);
  }
  return text;
}

}  // namespace

Status nats_error(const std::string& what, int nats_status, int js_error_code) {
  std::string detail = natsStatus_GetText(static_cast<natsStatus>(nats_status));
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  if (text != nullptr && *text != '\0' && last == nats_status) {
    detail = without_source_location(text);
  }
  if (js_error_code != 0) detail += " (JetStream error " + std::to_string(js_error_code) + ")";
  StatusCode code = nats_status == NATS_TIMEOUT         ? StatusCode::kDeadlineExceeded
                    : nats_status == NATS_NOT_FOUND     ? StatusCode::kNotFound
                    : nats_status == NATS_INVALID_ARG   ? StatusCode::kInvalidArgument
                    : nats_status == NATS_NOT_PERMITTED ? StatusCode::kPermissionDenied
                                                        : StatusCode::kUnavailable;
  return Status(code, what + ": " + detail);
}

Result<natsMsg*> to_nats_msg(const Message& message) {
  natsMsg* msg = nullptr;
  natsStatus s = natsMsg_Create(&msg, message.subject.c_str(),
                                message.reply.empty() ? nullptr : message.reply.c_str(),
                                message.data.data(), static_cast<int>(message.data.size()));
  if (s != NATS_OK) return nats_error("message for " + message.subject, s);
  for (const auto& [key, value] : message.headers) {
    s = natsMsgHeader_Add(msg, key.c_str(), value.c_str());
    if (s != NATS_OK) {
      natsMsg_Destroy(msg);
      return nats_error("header " + key, s);
    }
  }
  return msg;
}

Message from_nats_msg(natsMsg* msg) {
  Message out;
  out.subject = natsMsg_GetSubject(msg);
  if (const char* reply = natsMsg_GetReply(msg)) out.reply = reply;
  out.data.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &count) == NATS_OK) {
    for (int i = 0; i < count; ++i) {
      const char** values = nullptr;
      int value_count = 0;
      if (natsMsgHeader_Values(msg, keys[i], &values, &value_count) == NATS_OK) {
        for (int v = 0; v < value_count; ++v) out.headers.emplace_back(keys[i], values[v]);
        free(const_cast<char**>(values));
      }
    }
    free(const_cast<char**>(keys));
  }
  return out;
}

void NatsClient::on_disconnected(natsConnection*, void* closure) {
  auto* self = static_cast<NatsClient*>(closure);
  if (self->settings_.on_state) self->settings_.on_state(false);
}

void NatsClient::on_reconnected(natsConnection*, void* closure) {
  auto* self = static_cast<NatsClient*>(closure);
  if (self->settings_.on_state) self->settings_.on_state(true);
}

void NatsClient::on_closed(natsConnection*, void* closure) {
  auto* self = static_cast<NatsClient*>(closure);
  std::lock_guard<std::mutex> lock(self->closed_mutex_);
  self->closed_ = true;
  self->closed_changed_.notify_all();
}

Result<std::unique_ptr<NatsClient>> NatsClient::connect(ConnectSettings settings) {
  open_library();
  if (settings.urls.empty()) return invalid_argument("no NATS server URL (config nats_url)");
  std::unique_ptr<NatsClient> client(new NatsClient());
  client->settings_ = std::move(settings);
  const ConnectSettings& s = client->settings_;
  natsOptions* opts = nullptr;
  if (natsOptions_Create(&opts) != NATS_OK) return internal_error("cannot create NATS options");
  client->options_ = opts;
  std::vector<const char*> urls;
  for (const std::string& url : s.urls) urls.push_back(url.c_str());
  natsStatus st = natsOptions_SetServers(opts, urls.data(), static_cast<int>(urls.size()));
  if (st != NATS_OK) return nats_error("NATS servers", st);
  if (!s.name.empty()) natsOptions_SetName(opts, s.name.c_str());
  // Reconnect forever, and keep trying when the server is not up yet at start: in the
  // background, which takes a callback for the first connection (without one, cnats retries
  // inside natsConnection_Connect and, retrying forever, never returns).
  natsOptions_SetMaxReconnect(opts, -1);
  natsOptions_SetReconnectWait(opts, s.reconnect_wait.count());
  natsOptions_SetRetryOnFailedConnect(opts, true, &NatsClient::on_reconnected, client.get());
  natsOptions_SetReconnectBufSize(opts, 8 * 1024 * 1024);
  // A server that stops reading must not hold a writer (cnats's flusher, a pull request's
  // flush, a thread joined at shutdown) forever: the write fails and the connection reconnects.
  natsOptions_SetWriteDeadline(opts, 10000);
  natsOptions_SetDisconnectedCB(opts, &NatsClient::on_disconnected, client.get());
  natsOptions_SetReconnectedCB(opts, &NatsClient::on_reconnected, client.get());
  natsOptions_SetClosedCB(opts, &NatsClient::on_closed, client.get());
  if (!s.token.empty()) natsOptions_SetToken(opts, s.token.c_str());
  if (!s.user.empty()) natsOptions_SetUserInfo(opts, s.user.c_str(), s.password.c_str());
  if (!s.creds_file.empty()) {
    st = natsOptions_SetUserCredentialsFromFiles(opts, s.creds_file.c_str(), nullptr);
    if (st != NATS_OK) return nats_error("NATS creds file " + s.creds_file, st);
  }
  bool secure = !s.ca_pem.empty() || !s.cert_pem.empty() ||
                std::any_of(s.urls.begin(), s.urls.end(),
                            [](const std::string& u) { return u.starts_with("tls://"); });
  if (secure) {
    natsOptions_SetSecure(opts, true);
    if (!s.ca_pem.empty()) {
      st = natsOptions_SetCATrustedCertificates(opts, s.ca_pem.c_str());
      if (st != NATS_OK) return nats_error("NATS CA certificate (secrets nats.ca)", st);
    }
    if (!s.cert_pem.empty()) {
      st = natsOptions_SetCertificatesChain(opts, s.cert_pem.c_str(), s.key_pem.c_str());
      if (st != NATS_OK) return nats_error("NATS client certificate (secrets nats.cert/key)", st);
    }
  }
  st = natsConnection_Connect(&client->connection_, opts);
  // With retry-on-failed-connect a server that is down yields NATS_NOT_YET_CONNECTED and a
  // connection object that keeps trying.
  if (st != NATS_OK && st != NATS_NOT_YET_CONNECTED) {
    return nats_error("connecting to " + s.urls.front(), st);
  }
  st = natsConnection_JetStream(&client->jetstream_, client->connection_, nullptr);
  if (st != NATS_OK) return nats_error("JetStream context", st);
  return client;
}

NatsClient::~NatsClient() {
  if (jetstream_) jsCtx_Destroy(jetstream_);
  if (connection_) {
    natsConnection_Close(connection_);
    // No callback may run once this object is gone: the closed callback comes last.
    std::unique_lock<std::mutex> lock(closed_mutex_);
    closed_changed_.wait_for(lock, std::chrono::seconds(5), [this] { return closed_; });
    lock.unlock();
    natsConnection_Destroy(connection_);
  }
  if (options_) natsOptions_Destroy(options_);
}

bool NatsClient::gave_up() const {
  return connection_ && natsConnection_Status(connection_) == NATS_CONN_STATUS_CLOSED;
}

bool NatsClient::connected() const {
  return connection_ && natsConnection_Status(connection_) == NATS_CONN_STATUS_CONNECTED;
}

std::string NatsClient::last_error() const {
  const char* text = nullptr;
  natsStatus status = connection_ ? natsConnection_GetLastError(connection_, &text) : NATS_OK;
  if (status == NATS_OK || !text) return "";
  // cnats gives up on a server that refuses it twice (bad or missing credentials) and then
  // keeps only "No server available for connection": one plain attempt says why.
  if (status == NATS_NO_SERVER && gave_up()) {
    std::string refused = refusal_reason();
    if (!refused.empty()) return refused;
  }
  return without_source_location(text);
}

std::string NatsClient::refusal_reason() const {
  // The options were copied into the connection when it was made: changing them now only
  // affects this attempt, which is not retried and calls back nothing.
  natsOptions_SetRetryOnFailedConnect(options_, false, nullptr, nullptr);
  natsOptions_SetAllowReconnect(options_, false);
  natsOptions_SetDisconnectedCB(options_, nullptr, nullptr);
  natsOptions_SetReconnectedCB(options_, nullptr, nullptr);
  natsOptions_SetClosedCB(options_, nullptr, nullptr);
  natsOptions_SetTimeout(options_, 2000);
  natsConnection* attempt = nullptr;
  natsStatus status = natsConnection_Connect(&attempt, options_);
  if (status == NATS_OK) {
    natsConnection_Destroy(attempt);
    return "";
  }
  natsStatus last = NATS_OK;
  const char* last_text = nats_GetLastError(&last);
  std::string reason = without_source_location(last_text ? last_text : "");
  return reason.empty() ? natsStatus_GetText(status) : reason;
}

bool NatsClient::wait_connected(std::chrono::milliseconds timeout,
                                const std::function<bool()>& cancelled) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!connected() && !gave_up() && std::chrono::steady_clock::now() < deadline &&
         !(cancelled && cancelled())) {
    nats_Sleep(20);
  }
  return connected();
}

Status NatsClient::publish(const Message& message) {
  Result<natsMsg*> msg = to_nats_msg(message);
  if (!msg.is_ok()) return msg.status();
  natsStatus s = natsConnection_PublishMsg(connection_, msg.value());
  natsMsg_Destroy(msg.value());
  return s == NATS_OK ? Status() : nats_error("publishing to " + message.subject, s);
}

Result<Message> NatsClient::request(const Message& message, std::chrono::milliseconds timeout) {
  Result<natsMsg*> msg = to_nats_msg(message);
  if (!msg.is_ok()) return msg.status();
  natsMsg* reply = nullptr;
  natsStatus s = natsConnection_RequestMsg(&reply, connection_, msg.value(), timeout.count());
  natsMsg_Destroy(msg.value());
  if (s != NATS_OK) return nats_error("request to " + message.subject, s);
  Message out = from_nats_msg(reply);
  natsMsg_Destroy(reply);
  return out;
}

Result<PublishAck> NatsClient::publish_durably(const Message& message, const std::string& msg_id,
                                               std::chrono::milliseconds timeout) {
  Result<natsMsg*> msg = to_nats_msg(message);
  if (!msg.is_ok()) return msg.status();
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.MaxWait = timeout.count();
  if (!msg_id.empty()) options.MsgId = msg_id.c_str();
  jsPubAck* ack = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus s = js_PublishMsg(&ack, jetstream_, msg.value(), &options, &js_error);
  natsMsg_Destroy(msg.value());
  if (s != NATS_OK) {
    return nats_error("publishing to " + message.subject + " through JetStream", s, js_error);
  }
  PublishAck out{ack->Stream ? ack->Stream : "", ack->Sequence, ack->Duplicate};
  jsPubAck_Destroy(ack);
  return out;
}

Status NatsClient::ensure_stream(const std::string& name, const std::vector<std::string>& subjects,
                                 int replicas) {
  jsStreamInfo* info = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, jetstream_, name.c_str(), nullptr, &js_error);
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(info);
    return Status();
  }
  if (s != NATS_NOT_FOUND) return nats_error("looking up stream " + name, s, js_error);
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = name.c_str();
  std::vector<const char*> subject_list;
  for (const std::string& subject : subjects) subject_list.push_back(subject.c_str());
  config.Subjects = subject_list.data();
  config.SubjectsLen = static_cast<int>(subject_list.size());
  config.Storage = js_FileStorage;
  config.Replicas = replicas;
  config.Duplicates =
      static_cast<int64_t>(std::chrono::nanoseconds(std::chrono::minutes(10)).count());
  s = js_AddStream(&info, jetstream_, &config, nullptr, &js_error);
  if (s != NATS_OK) return nats_error("creating stream " + name, s, js_error);
  jsStreamInfo_Destroy(info);
  return Status();
}

Result<std::string> NatsClient::stream_for_subject(const std::string& subject) {
  std::string request = nlohmann::json{{"subject", subject}}.dump();
  natsMsg* reply = nullptr;
  natsStatus s = natsConnection_Request(&reply, connection_, "$JS.API.STREAM.NAMES", request.data(),
                                        static_cast<int>(request.size()), 5000);
  if (s != NATS_OK) return nats_error("asking JetStream which stream stores " + subject, s);
  nlohmann::json answer = nlohmann::json::parse(
      std::string(natsMsg_GetData(reply), static_cast<size_t>(natsMsg_GetDataLength(reply))),
      nullptr, false);
  natsMsg_Destroy(reply);
  if (answer.is_object() && answer.contains("streams") && answer["streams"].is_array() &&
      !answer["streams"].empty() && answer["streams"][0].is_string()) {
    return answer["streams"][0].get<std::string>();
  }
  if (answer.is_object() && answer.contains("error")) {
    return Status(StatusCode::kUnavailable,
                  "JetStream: " + answer["error"].value("description", answer["error"].dump()));
  }
  return not_found("no stream stores subject " + subject);
}

Result<StreamRange> NatsClient::stream_range(const std::string& stream) {
  jsStreamInfo* info = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, jetstream_, stream.c_str(), nullptr, &js_error);
  if (s != NATS_OK) return nats_error("stream " + stream, s, js_error);
  StreamRange range{info->State.FirstSeq, info->State.LastSeq, info->State.Msgs};
  jsStreamInfo_Destroy(info);
  return range;
}

Result<std::optional<StoredMessage>> NatsClient::stored_message(const std::string& stream,
                                                                uint64_t sequence) {
  natsMsg* msg = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus s = js_GetMsg(&msg, jetstream_, stream.c_str(), sequence, nullptr, &js_error);
  if (s == NATS_NOT_FOUND) return std::optional<StoredMessage>();
  if (s != NATS_OK) {
    return nats_error("message " + std::to_string(sequence) + " of stream " + stream, s, js_error);
  }
  StoredMessage out;
  out.sequence = natsMsg_GetSequence(msg);
  out.time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(natsMsg_GetTime(msg))));
  out.message = from_nats_msg(msg);
  natsMsg_Destroy(msg);
  return std::optional<StoredMessage>(std::move(out));
}

Status NatsClient::delete_stored(const std::string& stream, uint64_t sequence) {
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus s = js_DeleteMsg(jetstream_, stream.c_str(), sequence, nullptr, &js_error);
  return s == NATS_OK ? Status()
                      : nats_error("deleting message " + std::to_string(sequence) + " of " + stream,
                                   s, js_error);
}

Status NatsClient::drain(std::chrono::milliseconds timeout) {
  if (!connection_) return Status();
  // The consumers have stopped fetching and finished their messages before this: what is left is
  // to get their acks (and any replies) to the server, then close.
  natsStatus s = natsConnection_FlushTimeout(connection_, timeout.count());
  natsConnection_Close(connection_);
  if (s != NATS_OK && s != NATS_CONNECTION_CLOSED) return nats_error("flushing NATS", s);
  return Status();
}

}  // namespace pd::nats
