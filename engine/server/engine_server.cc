#include "engine/server/engine_server.h"

#include <chrono>

#include "engine/server/gateway_event.h"
#include "engine/server/webhook_auth.h"
#include "engine/util/json_text.h"

namespace pd::server {
namespace {

using Json = nlohmann::json;

ServerReply json_reply(int status, const Json& body) { return {status, body.dump(2) + "\n"}; }

// The input a request body gives a workflow: JSON → the value, text/* → a string, empty → {}.
Result<Json> input_from(const ServerRequest& req) {
  std::string type = req.header("Content-Type");
  if (req.body.empty()) return Json::object();
  if (type.starts_with("text/")) return Json(req.body);
  try {
    return Json::parse(req.body);
  } catch (const Json::parse_error& e) {
    return invalid_argument(std::string("the request body is not valid JSON: ") + e.what());
  }
}

}  // namespace

EngineServer::EngineServer(exec::WorkflowRuntime& runtime, ServerOptions options)
    : runtime_(runtime),
      options_(std::move(options)),
      // On the isolates, a standby loop answers new connections (a liveness probe) while every
      // isolate runs a long node.
      http_(EventHttpServerOptions{options_.host, options_.port, options_.max_body_bytes, 60,
                                   options_.http_on_isolates ? runtime.lanes() : 1,
                                   options_.http_on_isolates}),
      blocking_(options_.blocking_threads) {
  routes();
}

EngineServer::~EngineServer() = default;

Status EngineServer::bind() { return http_.bind(); }

void EngineServer::serve() {
  if (!options_.http_on_isolates) return http_.serve();
  for (size_t lane = 0; lane < runtime_.lanes(); ++lane) {
    runtime_.set_lane_waiter(lane, http_.adopt_loop(lane));
  }
  http_.serve();
  // The event loops are freed with this server; the isolates outlive it.
  for (size_t lane = 0; lane < runtime_.lanes(); ++lane) runtime_.set_lane_waiter(lane, nullptr);
}

void EngineServer::stop() {
  draining_ = true;
  http_.stop();  // closes the listener; serve() returns once the requests in hand are answered
}

ServerReply EngineServer::publish_event(const std::string& trigger,
                                        const std::string& subject_template,
                                        const ServerRequest& req) {
  if (draining_) {
    metrics_.rejected("draining");
    return json_reply(503, {{"error", "the engine is shutting down"}});
  }
  if (!publisher_ || !publisher_->connected()) {
    metrics_.rejected("nats_unavailable");
    return json_reply(503, {{"error", "not connected to NATS; retry later"}});
  }
  GatewayEvent event = gateway_event(
      subject_template, req.body,
      [&](const std::string& name) {
        return req.has_header(name) ? std::optional<std::string>(req.header(name)) : std::nullopt;
      },
      MessageHeaders(req.headers.begin(), req.headers.end()));
  if (!event.error.empty()) {
    metrics_.rejected("bad_event");
    return json_reply(400, {{"error", event.error}});
  }
  // 202 only once JetStream has stored it: a crash before then makes the sender retry, and the
  // message id makes that retry a duplicate JetStream drops.
  Result<nats::PublishAck> ack =
      publisher_->publish_durably(event.message, event.msg_id, std::chrono::seconds(5));
  if (!ack.is_ok()) {
    metrics_.rejected("publish_failed");
    return json_reply(503, {{"error", ack.status().message()}});
  }
  metrics_.published(trigger);
  return json_reply(202, {{"published", event.message.subject},
                          {"stream", ack.value().stream},
                          {"sequence", ack.value().sequence},
                          {"duplicate", ack.value().duplicate},
                          {"msgId", event.msg_id}});
}

// `input_json`: the body when it is the JSON input, so nodes see its keys in the sender's order.
// The answer is written on the thread that finished the execution; no thread waits for it.
void EngineServer::run_execution(const std::string& trigger, Json input, std::string input_json,
                                 Responder respond) {
  if (draining_) {
    metrics_.rejected("draining");
    return respond(json_reply(503, {{"error", "the engine is shutting down"}}));
  }
  metrics_.execution_started();
  auto started = std::chrono::steady_clock::now();
  runtime_.execute(
      {.input = std::move(input), .input_json = std::move(input_json)},
      [this, trigger, started, respond = std::move(respond)](exec::ExecutionResult done) {
        metrics_.execution_finished(
            trigger, done.success,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        respond({done.success ? 200 : 500, done.to_json_text() + "\n"});
      });
}

void EngineServer::routes() {
  http_.route("POST", "/run", [this](const ServerRequest& req, Responder respond) {
    bool json_body = !req.body.empty() && !req.header("Content-Type").starts_with("text/");
    // A JSON body goes to the nodes as its text: on this thread it is only checked, and parsed
    // only when it may name a trigger.
    if (json_body && is_json_text(req.body) && req.body.find("\"trigger\"") == std::string::npos) {
      return run_execution("http", nullptr, req.body, std::move(respond));
    }
    Result<Json> input = input_from(req);
    if (!input.is_ok()) {
      metrics_.rejected("bad_json");
      return respond(json_reply(400, {{"error", input.status().message()}}));
    }
    std::string trigger = "http";
    if (input.value().is_object() && input.value().contains("trigger") &&
        input.value()["trigger"].is_string()) {
      trigger = input.value()["trigger"];
    }
    run_execution(trigger, std::move(input).value(), json_body ? req.body : "", std::move(respond));
  });
  http_.route("GET", "/health", [](const ServerRequest&, Responder respond) {
    respond(json_reply(200, {{"status", "ok"}}));
  });
  http_.route("GET", "/ready", [this](const ServerRequest&, Responder respond) {
    if (draining_) return respond(json_reply(503, {{"status", "draining"}}));
    if (stopping_) return respond(json_reply(503, {{"status", "stopping"}}));
    if (readiness_) {
      if (std::string reason = readiness_(); !reason.empty()) {
        return respond(json_reply(503, {{"status", "not ready"}, {"reason", reason}}));
      }
    }
    respond(json_reply(200, {{"status", "ready"}, {"workflow", runtime_.workflow().name}}));
  });
  http_.route("GET", "/metrics", [this](const ServerRequest&, Responder respond) {
    respond({200, metrics_.render(), "text/plain; version=0.0.4"});
  });

  for (const spec::Trigger& trigger : runtime_.workflow().triggers) {
    const auto* webhook = std::get_if<spec::WebhookTrigger>(&trigger.kind);
    if (!webhook) continue;
    std::string name = trigger.name.empty() ? "webhook" : trigger.name;
    spec::WebhookTrigger config = *webhook;
    http_.route(
        "POST", config.path, [this, name, config](const ServerRequest& req, Responder respond) {
          if (!config.verify.empty()) {
            const Json& service = runtime_.secrets().value(config.secret, Json::object());
            std::string key = service.value("webhook_secret",
                                            service.value("secret", service.value("value", "")));
            if (key.empty()) {
              metrics_.rejected("no_webhook_secret");
              return respond(json_reply(401, {{"error", "no signing key in secrets." +
                                                            config.secret + " (webhook_secret)"}}));
            }
            std::string header =
                config.verify == "github" ? "X-Hub-Signature-256" : "X-Signature-256";
            Status verified = verify_hmac_sha256(req.body, key, req.header(header));
            if (!verified.is_ok()) {
              metrics_.rejected("bad_signature");
              return respond(json_reply(401, {{"error", header + ": " + verified.message()}}));
            }
          }
          if (!config.publish.empty()) {
            return blocking_.post(
                [this, name, publish = config.publish, req, respond = std::move(respond)] {
                  respond(publish_event(name, publish, req));
                });
          }
          Result<Json> input = input_from(req);
          if (!input.is_ok()) {
            metrics_.rejected("bad_json");
            return respond(json_reply(400, {{"error", input.status().message()}}));
          }
          run_execution(name, std::move(input).value(), "", std::move(respond));
        });
  }
}

}  // namespace pd::server
