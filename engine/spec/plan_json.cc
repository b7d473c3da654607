#include "engine/spec/plan_json.h"

namespace pd::spec {
namespace {

using Json = nlohmann::ordered_json;

void put_if(Json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

Json queue_to_json(const QueueTrigger& queue, const std::string& workflow_name) {
  Json out;
  out["subject"] = queue.subject;
  out["queue_group"] = queue.queue_group.empty() ? workflow_name : queue.queue_group;
  out["dead_letter"] = queue.dead_letter.empty() ? queue.subject + ".dlq" : queue.dead_letter;
  if (queue.jetstream) {
    const JetStreamOptions& js = *queue.jetstream;
    Json j = Json::object();
    put_if(j, "stream", js.stream);
    j["durable"] = js.durable.empty() ? workflow_name : js.durable;
    if (js.ack_wait) j["ack_wait"] = js.ack_wait->text;
    if (js.max_deliver) j["max_deliver"] = *js.max_deliver;
    if (!js.backoff.empty()) {
      j["backoff"] = Json::array();
      for (const Duration& d : js.backoff) j["backoff"].push_back(d.text);
    }
    j["deliver_policy"] = js.deliver_policy;
    put_if(j, "start_time", js.start_time);
    if (js.max_ack_pending) j["max_ack_pending"] = *js.max_ack_pending;
    out["jetstream"] = j;
  }
  if (queue.max_in_flight) out["max_in_flight"] = *queue.max_in_flight;
  if (queue.rate)
    out["rate"] = {{"per_second", queue.rate->per_second}, {"burst", queue.rate->burst}};
  put_if(out, "schema", queue.schema);
  return out;
}

}  // namespace

Json trigger_to_json(const Trigger& trigger, const std::string& workflow_name) {
  Json out;
  out["type"] = trigger_type_name(trigger.kind);
  put_if(out, "name", trigger.name);
  if (const auto* cron = std::get_if<CronTrigger>(&trigger.kind)) {
    out["schedule"] = cron->schedule;
    put_if(out, "timezone", cron->timezone);
  } else if (const auto* webhook = std::get_if<WebhookTrigger>(&trigger.kind)) {
    out["path"] = webhook->path;
    put_if(out, "verify", webhook->verify);
    put_if(out, "secret", webhook->secret);
    put_if(out, "publish", webhook->publish);
  } else if (const auto* queue = std::get_if<QueueTrigger>(&trigger.kind)) {
    out.update(queue_to_json(*queue, workflow_name));
  }
  return out;
}

Json plan_to_json(const Workflow& workflow, const Plan& plan) {
  Json out;
  out["workflow"] = workflow.name;
  out["version"] = workflow.version;
  put_if(out, "description", workflow.description);
  out["triggers"] = Json::array();
  for (const Trigger& trigger : workflow.triggers) {
    out["triggers"].push_back(trigger_to_json(trigger, workflow.name));
  }
  Json nodes = Json::object();
  for (const std::string& name : plan.node_order) {
    const Node* node = workflow.find_node(name);
    Json entry;
    entry["path"] = node->path;
    entry["stage"] = plan.stage_of.at(name);
    entry["dependsOn"] = plan.upstream.at(name);
    if (!node->capabilities.empty()) entry["capabilities"] = node->capabilities;
    nodes[name] = entry;
  }
  out["nodes"] = nodes;
  out["stages"] = Json::array();
  for (const auto& stage : plan.stages) out["stages"].push_back({{"nodes", stage}});
  out["nodeOrder"] = plan.node_order;
  Json config = workflow.config.values;
  config["timeout"] = workflow.config.timeout.text;
  config["retries"] = workflow.config.retries;
  config["scheduling"] = workflow.config.scheduling == Scheduling::kEager ? "eager" : "stage";
  out["config"] = config;
  return out;
}

}  // namespace pd::spec
