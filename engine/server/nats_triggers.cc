#include "engine/server/nats_triggers.h"

#include <fstream>

namespace pd::server {
namespace {

std::vector<std::string> split_urls(const std::string& text) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t comma = text.find(',', begin);
    std::string url =
        text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    url.erase(0, url.find_first_not_of(' '));
    url.erase(url.find_last_not_of(' ') + 1);
    if (!url.empty()) out.push_back(url);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return out;
}

}  // namespace

bool NatsTriggers::needed(const spec::Workflow& workflow) {
  for (const spec::Trigger& trigger : workflow.triggers) {
    if (std::holds_alternative<spec::QueueTrigger>(trigger.kind)) return true;
    if (const auto* hook = std::get_if<spec::WebhookTrigger>(&trigger.kind);
        hook && !hook->publish.empty()) {
      return true;
    }
  }
  return false;
}

Result<std::unique_ptr<NatsTriggers>> NatsTriggers::start(exec::WorkflowRuntime& runtime,
                                                          Metrics& metrics,
                                                          NatsTriggerOptions options) {
  std::unique_ptr<NatsTriggers> out(new NatsTriggers());
  std::string url = options.nats_url;
  if (url.empty()) {
    Result<nlohmann::json> config = runtime.current_config();
    if (config.is_ok() && config.value().contains("nats_url") &&
        config.value()["nats_url"].is_string()) {
      url = config.value()["nats_url"];
    }
  }
  if (url.empty()) {
    return invalid_argument("workflow \"" + runtime.workflow().name +
                            "\" has queue or gateway triggers but no NATS server: set `nats_url` "
                            "in its config (or pass --nats-url)");
  }
  nats::ConnectSettings settings;
  settings.urls = split_urls(url);
  settings.name = "pd-engine/" + runtime.workflow().name;
  const nlohmann::json secrets = runtime.secrets().value("nats", nlohmann::json::object());
  auto secret = [&](const char* key) {
    return secrets.is_object() && secrets.contains(key) && secrets[key].is_string()
               ? secrets[key].get<std::string>()
               : std::string();
  };
  settings.token = secret("token");
  settings.user = secret("user");
  settings.password = secret("password");
  settings.ca_pem = secret("ca");
  settings.cert_pem = secret("cert");
  settings.key_pem = secret("key");
  if (std::string creds = secret("creds"); !creds.empty()) {
    // cnats reads credentials from a file: a private one in the scratch space.
    out->creds_dir_ = std::make_unique<TempDir>("pd-nats");
    settings.creds_file = (out->creds_dir_->path() / "nats.creds").string();
    std::ofstream(settings.creds_file) << creds;
    std::filesystem::permissions(settings.creds_file, std::filesystem::perms::owner_read);
  }
  auto log = options.log;
  settings.on_state = [log, url](bool connected) {
    if (log) {
      log({{"level", connected ? "info" : "warn"},
           {"message", connected ? "NATS reconnected" : "NATS disconnected; reconnecting"},
           {"natsUrl", url}});
    }
  };
  Result<std::unique_ptr<nats::NatsClient>> client = nats::NatsClient::connect(settings);
  if (!client.is_ok()) return client.status();
  out->client_ = std::move(client).value();
  // Streams and consumers need the server: wait a little for a first connection.
  std::string not_connected;
  auto cancelled = [&options] { return options.cancelled && options.cancelled(); };
  if (!out->client_->wait_connected(std::chrono::seconds(5), cancelled)) {
    if (cancelled()) return out->cancel_start();
    std::string why = out->client_->last_error();
    not_connected =
        "not connected to NATS at " + settings.urls.front() + (why.empty() ? "" : " (" + why + ")");
    // Refused (bad or missing credentials): it will not connect, whatever uses it.
    if (out->client_->gave_up()) return Status(StatusCode::kUnavailable, not_connected);
    if (options.log)
      options.log({{"level", "warn"}, {"message", not_connected + "; still trying"}});
  }
  for (const spec::Trigger& trigger : runtime.workflow().triggers) {
    if (!std::holds_alternative<spec::QueueTrigger>(trigger.kind)) continue;
    if (cancelled()) return out->cancel_start();
    QueueConsumerOptions consumer_options;
    consumer_options.clock = options.clock;
    consumer_options.log = options.log;
    auto consumer =
        std::make_unique<QueueConsumer>(runtime, *out->client_, metrics, trigger, consumer_options);
    if (Status started = consumer->start(); !started.is_ok()) {
      return not_connected.empty()
                 ? started
                 : Status(started.code(), started.message() + "; " + not_connected);
    }
    out->consumers_.push_back(std::move(consumer));
  }
  return out;
}

NatsTriggers::~NatsTriggers() { stop(std::chrono::milliseconds(0)); }

Status NatsTriggers::cancel_start() {
  // Consumers started so far wait for their executions (they call back into them) but not for
  // a server to take acks: a message not acknowledged yet is delivered again, to the next engine.
  consumers_.clear();
  client_.reset();
  return Status(StatusCode::kUnavailable, "start-up cancelled");
}

std::string NatsTriggers::not_ready_reason() const {
  return client_ && client_->connected() ? "" : "not connected to NATS";
}

void NatsTriggers::stop(std::chrono::milliseconds grace) {
  auto deadline = std::chrono::steady_clock::now() + grace;
  stop_taking();
  finish(deadline);
}

void NatsTriggers::stop_taking() {
  // All stop taking messages first; then one grace period for all of them, not one each.
  for (auto& consumer : consumers_) consumer->stop_taking();
}

bool NatsTriggers::finish(std::chrono::steady_clock::time_point deadline) {
  if (stopped_) return true;
  stopped_ = true;
  stop_taking();  // in case nobody did
  bool finished = true;
  for (auto& consumer : consumers_) finished &= consumer->wait_finished(deadline);
  if (client_) client_->drain(std::chrono::seconds(5));
  return finished;
}

}  // namespace pd::server
