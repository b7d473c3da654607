// The typed model of a workflow folder's `workflow.yaml`, as produced by the parser.
// Every element keeps the position it was declared at, so later checks can point into the file.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/util/diagnostic.h"
#include "engine/util/duration.h"

namespace pd::spec {

using pd::Duration;

struct ManualTrigger {};

struct CronTrigger {
  std::string schedule;  // 5 fields or an @macro, validated
  std::string timezone;  // IANA name such as "Europe/Berlin"; empty means the engine's zone (UTC)
};

struct WebhookTrigger {
  std::string path;     // starts with '/'
  std::string verify;   // "", "github" or "hmac-sha256"
  std::string secret;   // secret service holding the signing key; required with `verify`
  std::string publish;  // gateway mode: NATS subject template; empty runs the workflow
};

struct JetStreamOptions {
  std::string stream;   // default: derived from the workflow name by the engine
  std::string durable;  // default: the workflow name
  std::optional<Duration> ack_wait;
  std::optional<int> max_deliver;
  std::vector<Duration> backoff;
  std::string deliver_policy = "all";  // all | new | by_start_time
  std::string start_time;              // RFC 3339, with by_start_time
  std::optional<int> max_ack_pending;
};

struct RateLimit {
  double per_second = 0;
  int burst = 1;
};

struct QueueTrigger {
  std::string subject;
  std::string queue_group;  // default: the workflow name
  std::optional<JetStreamOptions> jetstream;
  std::string dead_letter;  // default: "<subject>.dlq"
  std::optional<int> max_in_flight;
  std::optional<RateLimit> rate;
  std::string schema;  // JSON Schema file inside the workflow folder
  SourcePos schema_pos;
};

using TriggerKind = std::variant<ManualTrigger, CronTrigger, WebhookTrigger, QueueTrigger>;

struct Trigger {
  std::string name;  // optional, unique among triggers
  TriggerKind kind;
  SourcePos pos;
};

// "manual", "cron", "webhook" or "queue".
std::string trigger_type_name(const TriggerKind& kind);

struct Node {
  std::string name;
  std::string path;  // as written, relative to the workflow folder
  // Capability name -> values, e.g. net -> ["api.github.com"]. A scalar becomes one value.
  std::map<std::string, std::vector<std::string>> capabilities;
  SourcePos pos;       // of the name
  SourcePos path_pos;  // of the path value
};

struct Edge {
  std::string from;
  std::string to;
  SourcePos pos;
  SourcePos from_pos;
  SourcePos to_pos;
};

enum class Scheduling { kStage, kEager };

struct WorkflowConfig {
  Duration timeout{std::chrono::seconds(30), "30s"};
  int retries = 0;
  Scheduling scheduling = Scheduling::kStage;
  // Every key as written (including timeout and retries), in file order.
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
};

struct PolicyRule {
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> verbs;
  std::vector<std::string> resource_names;
};

struct Rbac {
  bool cluster_scoped = false;  // clusterRole (true) or role (false)
  std::vector<PolicyRule> rules;
};

struct ResourceList {
  std::string cpu;
  std::string memory;
};

struct Deployment {
  std::string namespace_name;
  std::string image;
  std::string image_pull_policy;  // Always | IfNotPresent | Never, or empty for the default
  std::optional<int> replicas;
  ResourceList requests;
  ResourceList limits;
  std::string service_account;
  std::optional<Rbac> rbac;
  std::string runtime_class_name;
  std::string secrets;  // an existing Secret to mount instead of one generated from local secrets
};

struct Workflow {
  std::filesystem::path dir;  // the workflow folder
  std::string file;           // workflow.yaml as shown in diagnostics
  std::string name;
  std::string version;
  std::string description;
  std::vector<Trigger> triggers;
  std::vector<Node> nodes;  // in declaration order
  std::vector<Edge> edges;  // in declaration order
  WorkflowConfig config;
  std::optional<Deployment> deployment;

  const Node* find_node(std::string_view node_name) const;
};

}  // namespace pd::spec
