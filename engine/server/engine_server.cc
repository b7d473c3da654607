#include "engine/server/engine_server.h"

#include <httplib.h>

#include <chrono>
#include <future>

#include "engine/server/gateway_event.h"
#include "engine/server/webhook_auth.h"

namespace pd::server {
namespace {

using Json = nlohmann::json;

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

// The input a request body gives a workflow: JSON → the value, text/* → a string, empty → {}.
Result<Json> input_from(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
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
    : runtime_(runtime), options_(std::move(options)), http_(std::make_unique<httplib::Server>()) {
  http_->set_tcp_nodelay(true);
  http_->set_payload_max_length(options_.max_body_bytes);
  // A handler thread waits while its execution runs on an isolate: keep enough of them that the
  // isolates, not the thread pool, set the pace (httplib's default is 8).
  http_->new_task_queue = [threads = options_.handler_threads] { return new httplib::ThreadPool(threads); };
  routes();
}

EngineServer::~EngineServer() = default;

Status EngineServer::bind() {
  port_ = options_.port == 0 ? http_->bind_to_any_port(options_.host)
                             : (http_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port_ < 0) {
    return Status(StatusCode::kUnavailable, "cannot listen on " + options_.host + ":" +
                                                std::to_string(options_.port));
  }
  return Status();
}

void EngineServer::serve() { http_->listen_after_bind(); }

void EngineServer::stop() {
  draining_ = true;
  http_->stop();  // closes the listener, then waits for the handlers that are running
}

void EngineServer::publish_event(const std::string& trigger, const std::string& subject_template,
                                 const httplib::Request& req, httplib::Response& res) {
  if (draining_) {
    metrics_.rejected("draining");
    return send_json(res, 503, {{"error", "the engine is shutting down"}});
  }
  if (!publisher_ || !publisher_->connected()) {
    metrics_.rejected("nats_unavailable");
    return send_json(res, 503, {{"error", "not connected to NATS; retry later"}});
  }
  GatewayEvent event = gateway_event(subject_template, req.body, [&](const std::string& name) {
    return req.has_header(name) ? std::optional<std::string>(req.get_header_value(name)) : std::nullopt;
  }, [&] {
    MessageHeaders headers;
    for (const auto& [key, value] : req.headers) headers.emplace_back(key, value);
    return headers;
  }());
  if (!event.error.empty()) {
    metrics_.rejected("bad_event");
    return send_json(res, 400, {{"error", event.error}});
  }
  // 202 only once JetStream has stored it: a crash before then makes the sender retry, and the
  // message id makes that retry a duplicate JetStream drops.
  Result<nats::PublishAck> ack = publisher_->publish_durably(event.message, event.msg_id, std::chrono::seconds(5));
  if (!ack.is_ok()) {
    metrics_.rejected("publish_failed");
    return send_json(res, 503, {{"error", ack.status().message()}});
  }
  metrics_.published(trigger);
  send_json(res, 202, {{"published", event.message.subject},
                       {"stream", ack.value().stream},
                       {"sequence", ack.value().sequence},
                       {"duplicate", ack.value().duplicate},
                       {"msgId", event.msg_id}});
}

void EngineServer::routes() {
  // `input_json`: the body when it is the JSON input, so nodes see its keys in the sender's order.
  auto run_execution = [this](const std::string& trigger, Json input, httplib::Response& res,
                              std::string input_json = "") {
    if (draining_) {
      metrics_.rejected("draining");
      return send_json(res, 503, {{"error", "the engine is shutting down"}});
    }
    metrics_.execution_started();
    auto started = std::chrono::steady_clock::now();
    std::promise<exec::ExecutionResult> result;
    runtime_.execute(std::move(input), [&result](exec::ExecutionResult r) { result.set_value(std::move(r)); },
                     "", nullptr, std::move(input_json));
    exec::ExecutionResult done = result.get_future().get();
    metrics_.execution_finished(
        trigger, done.success,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    send_json(res, done.success ? 200 : 500, done.to_json());
  };

  http_->Post("/run", [this, run_execution](const httplib::Request& req, httplib::Response& res) {
    Result<Json> input = input_from(req);
    if (!input.is_ok()) {
      metrics_.rejected("bad_json");
      return send_json(res, 400, {{"error", input.status().message()}});
    }
    std::string trigger = "http";
    if (input.value().is_object() && input.value().contains("trigger") &&
        input.value()["trigger"].is_string()) {
      trigger = input.value()["trigger"];
    }
    bool json_body = !req.body.empty() && !req.get_header_value("Content-Type").starts_with("text/");
    run_execution(trigger, std::move(input).value(), res, json_body ? req.body : "");
  });
  http_->Get("/health", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, {{"status", "ok"}});
  });
  http_->Get("/ready", [this](const httplib::Request&, httplib::Response& res) {
    if (draining_) return send_json(res, 503, {{"status", "draining"}});
    if (readiness_) {
      if (std::string reason = readiness_(); !reason.empty()) {
        return send_json(res, 503, {{"status", "not ready"}, {"reason", reason}});
      }
    }
    send_json(res, 200, {{"status", "ready"}, {"workflow", runtime_.workflow().name}});
  });
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.render(), "text/plain; version=0.0.4");
  });

  for (const spec::Trigger& trigger : runtime_.workflow().triggers) {
    const auto* webhook = std::get_if<spec::WebhookTrigger>(&trigger.kind);
    if (!webhook) continue;
    std::string name = trigger.name.empty() ? "webhook" : trigger.name;
    spec::WebhookTrigger config = *webhook;
    http_->Post(config.path, [this, run_execution, name, config](const httplib::Request& req,
                                                                httplib::Response& res) {
      if (!config.verify.empty()) {
        const Json& service = runtime_.secrets().value(config.secret, Json::object());
        std::string key = service.value("webhook_secret", service.value("secret", service.value("value", "")));
        if (key.empty()) {
          metrics_.rejected("no_webhook_secret");
          return send_json(res, 401, {{"error", "no signing key in secrets." + config.secret +
                                                    " (webhook_secret)"}});
        }
        std::string header = config.verify == "github" ? "X-Hub-Signature-256" : "X-Signature-256";
        Status verified = verify_hmac_sha256(req.body, key, req.get_header_value(header));
        if (!verified.is_ok()) {
          metrics_.rejected("bad_signature");
          return send_json(res, 401, {{"error", header + ": " + verified.message()}});
        }
      }
      if (!config.publish.empty()) return publish_event(name, config.publish, req, res);
      Result<Json> input = input_from(req);
      if (!input.is_ok()) {
        metrics_.rejected("bad_json");
        return send_json(res, 400, {{"error", input.status().message()}});
      }
      run_execution(name, std::move(input).value(), res);
    });
  }
  http_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413) {
      send_json(res, 413, {{"error", "the request body is too large"}});
    } else if (res.status == 404) {
      send_json(res, 404, {{"error", "no route for " + req.method + " " + req.path}});
    }
  });
}

}  // namespace pd::server
