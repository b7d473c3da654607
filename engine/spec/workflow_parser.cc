#include "engine/spec/workflow_parser.h"

#include <map>

#include "engine/spec/cron_schedule.h"
#include "engine/spec/value_rules.h"
#include "engine/spec/yaml_fields.h"
#include "engine/util/duration.h"
#include "engine/util/suggest.h"
#include "engine/util/yaml_adapter.h"

namespace pd::spec {
namespace {

using Fields = FieldReader;

constexpr const char* kTriggerTypes[] = {"manual", "cron", "webhook", "queue"};

// Reports `problem` (if any) at `value`'s position as "`field`: problem".
bool report(Fields& fields, const Scalar& value, std::string_view field, const Problem& problem) {
  if (!problem) return true;
  fields.error(value.pos, "`" + std::string(field) + "`: " + *problem);
  return false;
}

// A scalar under `key` that must pass `check`; returns its text or "" when absent or invalid.
template <class Check>
std::string checked(Fields& fields, const YamlNode& map, std::string_view key,
                    std::string_view where, Presence presence, std::string_view expected,
                    Check check) {
  std::optional<Scalar> value = fields.scalar(map, key, where, presence, expected);
  if (!value) return {};
  return report(fields, *value, field_path(where, key), check(value->text)) ? value->text : "";
}

constexpr std::string_view kDurationExpected = "a duration such as 500ms, 30s, 5m or 1h";

std::optional<Duration> duration_value(Fields& fields, const YamlNode& value,
                                       std::string_view field) {
  if (!value.is_scalar()) {
    fields.error((value).pos(), "`" + std::string(field) + "`: expected " +
                                    std::string(kDurationExpected) + ", got " +
                                    describe_yaml(value));
    return std::nullopt;
  }
  std::optional<Duration> duration = parse_duration(value.scalar());
  if (!duration) {
    fields.error((value).pos(), "`" + std::string(field) + "`: \"" + value.scalar() +
                                    "\" is not a duration; expected " +
                                    std::string(kDurationExpected));
  }
  return duration;
}

std::optional<Duration> duration_field(Fields& fields, const YamlNode& map, std::string_view key,
                                       std::string_view where, Presence presence) {
  const YamlNode& value = fields.get(map, key, where, presence, kDurationExpected);
  if (!value.is_defined()) return std::nullopt;
  return duration_value(fields, value, field_path(where, key));
}

int as_int(std::optional<long long> value) { return static_cast<int>(*value); }

void parse_name_and_version(Fields& fields, const YamlNode& root, Workflow& workflow) {
  workflow.name =
      checked(fields, root, "name", "", Presence::kRequired,
              "a kebab-case workflow name such as \"github-digest\"", check_workflow_name);
  std::optional<Scalar> version =
      fields.scalar(root, "version", "", Presence::kRequired, "a quoted version such as \"1.0\"");
  if (!version) return;
  if (!report(fields, *version, "version", check_version(version->text))) return;
  workflow.version = version->text;
  if (version->plain && version->text.find('.') == version->text.rfind('.')) {
    fields.warning(version->pos, "`version`: " + version->text +
                                     " is unquoted, so other YAML tools read it as a number (" +
                                     "1.10 becomes 1.1); write version: \"" + version->text + "\"");
  }
}

CronTrigger parse_cron(Fields& fields, const YamlNode& item, const std::string& where) {
  CronTrigger cron;
  cron.schedule = checked(fields, item, "schedule", where, Presence::kRequired,
                          "a 5-field cron schedule such as \"*/5 * * * *\"", check_cron_schedule);
  cron.timezone = checked(fields, item, "timezone", where, Presence::kOptional,
                          "an IANA time zone such as \"Europe/Berlin\"", check_timezone_name);
  return cron;
}

WebhookTrigger parse_webhook(Fields& fields, const YamlNode& item, const std::string& where) {
  WebhookTrigger webhook;
  std::optional<Scalar> path = fields.scalar(item, "path", where, Presence::kRequired,
                                             "a URL path such as \"/hooks/github\"");
  if (path && (path->text[0] != '/' || path->text.find_first_of(" ?#") != std::string::npos)) {
    fields.error(path->pos, "`" + field_path(where, "path") + "`: \"" + path->text +
                                "\" is not a URL path; expected it to start with '/' and hold no "
                                "spaces, '?' or '#' (e.g. \"/hooks/github\")");
  } else if (path) {
    webhook.path = path->text;
  }
  if (auto verify =
          fields.choice(item, "verify", where, Presence::kOptional, {"github", "hmac-sha256"})) {
    webhook.verify = verify->text;
  }
  webhook.secret = checked(fields, item, "secret", where, Presence::kOptional,
                           "the name of the secret holding the signing key", check_identifier);
  if (!webhook.verify.empty() && webhook.secret.empty() && !item["secret"]) {
    fields.error((item).pos(), "`" + where + "`: `verify: " + webhook.verify +
                                   "` needs `secret`, the name of the secret that holds the "
                                   "signing key (e.g. secret: github-webhook)");
  }
  webhook.publish =
      checked(fields, item, "publish", where, Presence::kOptional,
              "a NATS subject template such as \"events.github.{header:X-GitHub-Event}\"",
              check_subject_template);
  return webhook;
}

JetStreamOptions parse_jetstream(Fields& fields, const YamlNode& node, const std::string& where) {
  JetStreamOptions options;
  if (!fields.expect_map(node, where, "a map of JetStream options (or true)",
                         {"stream", "durable", "ack_wait", "max_deliver", "backoff",
                          "deliver_policy", "start_time", "max_ack_pending"})) {
    return options;
  }
  options.stream = checked(fields, node, "stream", where, Presence::kOptional, "a stream name",
                           [](std::string_view name) -> Problem {
                             if (name.find_first_of(" .*>") == std::string_view::npos) return {};
                             return "\"" + std::string(name) +
                                    "\" is not a stream name; it may not contain spaces, '.', "
                                    "'*' or '>'";
                           });
  options.durable = checked(fields, node, "durable", where, Presence::kOptional, "a consumer name",
                            check_identifier);
  options.ack_wait = duration_field(fields, node, "ack_wait", where, Presence::kOptional);
  if (auto max_deliver = fields.integer(node, "max_deliver", where, Presence::kOptional, 1, 1000)) {
    options.max_deliver = as_int(max_deliver);
  }
  const YamlNode& backoff = fields.get(node, "backoff", where, Presence::kOptional, "");
  if (backoff.is_defined()) {
    std::string field = field_path(where, "backoff");
    if (!backoff.is_sequence()) {
      fields.error((backoff).pos(), "`" + field + "`: expected a list of durations such as " +
                                        "[1s, 5s, 30s], got " + describe_yaml(backoff));
    } else {
      for (size_t i = 0; i < backoff.size(); ++i) {
        std::string step_field = field + "[" + std::to_string(i) + "]";
        if (auto step = duration_value(fields, backoff[i], step_field)) {
          options.backoff.push_back(*step);
        }
      }
    }
  }
  if (auto policy = fields.choice(node, "deliver_policy", where, Presence::kOptional,
                                  {"all", "new", "by_start_time"})) {
    options.deliver_policy = policy->text;
  }
  options.start_time = checked(fields, node, "start_time", where, Presence::kOptional,
                               "an RFC 3339 time", check_rfc3339);
  if (options.deliver_policy == "by_start_time" && options.start_time.empty() &&
      !node["start_time"]) {
    fields.error((node).pos(), "`" + where +
                                   "`: `deliver_policy: by_start_time` needs `start_time` "
                                   "(e.g. start_time: \"2026-01-31T00:00:00Z\")");
  }
  if (auto pending =
          fields.integer(node, "max_ack_pending", where, Presence::kOptional, 1, 1'000'000)) {
    options.max_ack_pending = as_int(pending);
  }
  return options;
}

QueueTrigger parse_queue(Fields& fields, const YamlNode& item, const std::string& where) {
  QueueTrigger queue;
  queue.subject = checked(fields, item, "subject", where, Presence::kRequired,
                          "a NATS subject such as \"events.github.push\"",
                          [](std::string_view s) { return check_nats_subject(s, true); });
  queue.queue_group = checked(fields, item, "queue_group", where, Presence::kOptional,
                              "a queue group name", check_identifier);
  const YamlNode& jetstream = fields.get(item, "jetstream", where, Presence::kOptional, "");
  if (jetstream.is_defined()) {
    std::string field = field_path(where, "jetstream");
    if (jetstream.is_scalar() && jetstream.is_plain() && jetstream.scalar() == "true") {
      queue.jetstream = JetStreamOptions{};
    } else if (!(jetstream.is_scalar() && jetstream.scalar() == "false")) {
      queue.jetstream = parse_jetstream(fields, jetstream, field);
    }
  }
  queue.dead_letter =
      checked(fields, item, "dead_letter", where, Presence::kOptional, "a NATS subject",
              [](std::string_view s) { return check_nats_subject(s, false); });
  if (auto max = fields.integer(item, "max_in_flight", where, Presence::kOptional, 1, 100'000)) {
    queue.max_in_flight = as_int(max);
  }
  const YamlNode& rate = fields.get(item, "rate", where, Presence::kOptional, "");
  std::string rate_field = field_path(where, "rate");
  if (rate.is_defined() && fields.expect_map(rate, rate_field, "a map with per_second and burst",
                                             {"per_second", "burst"})) {
    RateLimit limit;
    auto per_second = fields.positive_number(rate, "per_second", rate_field, Presence::kRequired);
    auto burst = fields.integer(rate, "burst", rate_field, Presence::kOptional, 1, 1'000'000);
    if (per_second) limit.per_second = *per_second;
    if (burst) limit.burst = as_int(burst);
    queue.rate = limit;
  }
  if (auto schema = fields.scalar(item, "schema", where, Presence::kOptional,
                                  "the path of a JSON Schema file in the workflow folder")) {
    queue.schema = schema->text;
    queue.schema_pos = schema->pos;
  }
  if (queue.jetstream && queue.subject.find_first_of("*>") != std::string::npos &&
      queue.jetstream->stream.empty()) {
    // A wildcard subject is fine for a stream, but the engine needs a name it cannot derive.
    fields.error((item).pos(), "`" + where +
                                   "`: a wildcard subject with `jetstream` needs "
                                   "`jetstream.stream`, the stream to consume from");
  }
  return queue;
}

void parse_triggers(Fields& fields, const YamlNode& root, Workflow& workflow) {
  const YamlNode& triggers = fields.get(root, "triggers", "", Presence::kRequired,
                                        "a list of triggers, e.g. `- type: manual`");
  if (!triggers.is_defined()) return;
  if (!triggers.is_sequence() || triggers.size() == 0) {
    fields.error((triggers.is_null() ? root["triggers"] : triggers).pos(),
                 "`triggers`: expected a list with at least one trigger (e.g. `- type: manual`), "
                 "got " +
                     describe_yaml(triggers));
    return;
  }
  std::map<std::string, SourcePos> names;
  for (size_t i = 0; i < triggers.size(); ++i) {
    const YamlNode& item = triggers[i];
    std::string where = "triggers[" + std::to_string(i) + "]";
    if (!item.is_map()) {
      fields.error((item).pos(), "`" + where + "`: expected a map such as `type: cron`, got " +
                                     describe_yaml(item));
      continue;
    }
    std::optional<Scalar> type =
        fields.choice(item, "type", where, Presence::kRequired,
                      {std::begin(kTriggerTypes), std::end(kTriggerTypes)});
    std::vector<std::string> allowed = {"type", "name"};
    if (type && type->text == "cron") allowed.insert(allowed.end(), {"schedule", "timezone"});
    if (type && type->text == "webhook") {
      allowed.insert(allowed.end(), {"path", "verify", "secret", "publish"});
    }
    if (type && type->text == "queue") {
      allowed.insert(allowed.end(), {"subject", "queue_group", "jetstream", "dead_letter",
                                     "max_in_flight", "rate", "schema"});
    }
    if (type) fields.expect_map(item, where, "a trigger", allowed);

    Trigger trigger;
    trigger.pos = (item).pos();
    if (auto name = fields.scalar(item, "name", where, Presence::kOptional, "a trigger name")) {
      if (report(fields, *name, field_path(where, "name"), check_identifier(name->text))) {
        auto [it, inserted] = names.emplace(name->text, name->pos);
        if (!inserted) {
          fields.error(name->pos, "`" + field_path(where, "name") + "`: duplicate trigger name \"" +
                                      name->text + "\" (first used at line " +
                                      std::to_string(it->second.line) + ")");
        }
        trigger.name = name->text;
      }
    }
    if (!type) continue;
    if (type->text == "manual") trigger.kind = ManualTrigger{};
    if (type->text == "cron") trigger.kind = parse_cron(fields, item, where);
    if (type->text == "webhook") trigger.kind = parse_webhook(fields, item, where);
    if (type->text == "queue") trigger.kind = parse_queue(fields, item, where);
    workflow.triggers.push_back(std::move(trigger));
  }
}

void parse_capabilities(Fields& fields, const YamlNode& node, const std::string& where, Node& out) {
  if (!fields.expect_open_map(node, where, "a map such as `net: api.github.com`")) return;
  for (const auto& entry : node.entries()) {
    if (!entry.first.is_scalar()) continue;
    const std::string& capability = entry.first.scalar();
    std::string field = field_path(where, capability);
    std::vector<Scalar> values =
        fields.string_list(node, capability, where, "a string or a list of strings");
    std::vector<std::string>& texts = out.capabilities[capability];
    for (const Scalar& value : values) {
      if (capability == "net" && !report(fields, value, field, check_host_pattern(value.text))) {
        continue;
      }
      texts.push_back(value.text);
    }
  }
}

void parse_nodes(Fields& fields, const YamlNode& root, Workflow& workflow) {
  const YamlNode& nodes = fields.get(root, "nodes", "", Presence::kRequired,
                                     "a map of node names to `path: nodes/<name>.ts`");
  if (!nodes.is_defined()) return;
  if (!fields.expect_open_map(nodes, "nodes", "a map of node names to `path: nodes/<name>.ts`")) {
    return;
  }
  if (nodes.size() == 0) {
    fields.error((nodes).pos(), "`nodes`: expected at least one node");
    return;
  }
  std::map<std::string, bool> seen;
  for (const auto& entry : nodes.entries()) {
    if (!entry.first.is_scalar()) continue;
    Node node;
    node.name = entry.first.scalar();
    node.pos = (entry.first).pos();
    if (!seen.emplace(node.name, true).second) continue;  // duplicate key, already reported
    std::string where = "nodes." + node.name;
    Scalar name{node.name, node.pos, true};
    report(fields, name, where, check_identifier(node.name));
    const YamlNode& body = entry.second;
    if (!fields.expect_map(body, where, "a map with `path: nodes/" + node.name + ".ts`",
                           {"path", "capabilities"})) {
      workflow.nodes.push_back(std::move(node));
      continue;
    }
    if (auto path = fields.scalar(body, "path", where, Presence::kRequired,
                                  "the node's file, e.g. nodes/" + node.name + ".ts")) {
      node.path = path->text;
      node.path_pos = path->pos;
    }
    const YamlNode& capabilities = fields.get(body, "capabilities", where, Presence::kOptional, "");
    if (capabilities.is_defined()) {
      parse_capabilities(fields, capabilities, field_path(where, "capabilities"), node);
    }
    workflow.nodes.push_back(std::move(node));
  }
}

void parse_edges(Fields& fields, const YamlNode& root, Workflow& workflow) {
  const YamlNode& edges = fields.get(root, "edges", "", Presence::kOptional, "");
  if (!edges.is_defined() || edges.is_null()) return;  // no edges: every node is a root
  if (!edges.is_sequence()) {
    fields.error((edges).pos(), "`edges`: expected a list of `- from: a` / `to: b` maps, got " +
                                    describe_yaml(edges));
    return;
  }
  for (size_t i = 0; i < edges.size(); ++i) {
    const YamlNode& item = edges[i];
    std::string where = "edges[" + std::to_string(i) + "]";
    if (!fields.expect_map(item, where, "a map with `from` and `to`", {"from", "to"})) continue;
    auto from = fields.scalar(item, "from", where, Presence::kRequired, "the upstream node's name");
    auto to = fields.scalar(item, "to", where, Presence::kRequired, "the downstream node's name");
    if (!from || !to) continue;
    workflow.edges.push_back({from->text, to->text, (item).pos(), from->pos, to->pos});
  }
}

void parse_config(Fields& fields, const YamlNode& root, Workflow& workflow) {
  const YamlNode& config = fields.get(root, "config", "", Presence::kOptional, "");
  if (!config.is_defined() || config.is_null()) return;
  if (!fields.expect_open_map(config, "config", "a map of settings")) return;
  workflow.config.values = yaml_to_json(config);
  if (auto timeout = duration_field(fields, config, "timeout", "config", Presence::kOptional)) {
    workflow.config.timeout = *timeout;
  }
  if (auto retries = fields.integer(config, "retries", "config", Presence::kOptional, 0, 10)) {
    workflow.config.retries = as_int(retries);
  }
  if (auto scheduling =
          fields.choice(config, "scheduling", "config", Presence::kOptional, {"stage", "eager"})) {
    workflow.config.scheduling =
        scheduling->text == "eager" ? Scheduling::kEager : Scheduling::kStage;
  }
}

ResourceList parse_resource_list(Fields& fields, const YamlNode& node, const std::string& where) {
  ResourceList list;
  if (!fields.expect_map(node, where, "a map with cpu and memory", {"cpu", "memory"})) return list;
  list.cpu = checked(fields, node, "cpu", where, Presence::kOptional, "a CPU quantity such as 250m",
                     check_quantity);
  list.memory = checked(fields, node, "memory", where, Presence::kOptional,
                        "a memory quantity such as 256Mi", check_quantity);
  return list;
}

std::optional<Rbac> parse_rbac(Fields& fields, const YamlNode& node, const std::string& where) {
  if (!fields.expect_map(node, where, "a map with `role` or `clusterRole`",
                         {"role", "clusterRole"})) {
    return std::nullopt;
  }
  bool has_role = static_cast<bool>(node["role"]);
  bool has_cluster_role = static_cast<bool>(node["clusterRole"]);
  if (has_role == has_cluster_role) {
    fields.error((node).pos(), "`" + where +
                                   "`: expected exactly one of `role` (rules in the "
                                   "workflow's namespace) or `clusterRole`");
    return std::nullopt;
  }
  Rbac rbac;
  rbac.cluster_scoped = has_cluster_role;
  std::string role_field = field_path(where, has_role ? "role" : "clusterRole");
  const YamlNode& role = node[has_role ? "role" : "clusterRole"];
  if (!fields.expect_map(role, role_field, "a map with `rules`", {"rules"})) return rbac;
  const YamlNode& rules = fields.get(role, "rules", role_field, Presence::kRequired,
                                     "a list of rules with apiGroups, resources and verbs");
  if (!rules.is_defined()) return rbac;
  std::string rules_field = field_path(role_field, "rules");
  if (!rules.is_sequence() || rules.size() == 0) {
    fields.error((rules).pos(), "`" + rules_field +
                                    "`: expected a list of at least one rule, "
                                    "got " +
                                    describe_yaml(rules));
    return rbac;
  }
  auto texts = [](const std::vector<Scalar>& scalars) {
    std::vector<std::string> out;
    for (const Scalar& s : scalars) out.push_back(s.text);
    return out;
  };
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string rule_field = rules_field + "[" + std::to_string(i) + "]";
    const YamlNode& item = rules[i];
    if (!fields.expect_map(item, rule_field, "a rule",
                           {"apiGroups", "resources", "verbs", "resourceNames"})) {
      continue;
    }
    PolicyRule rule;
    rule.api_groups =
        texts(fields.string_list(item, "apiGroups", rule_field, "a list of API groups"));
    rule.resources =
        texts(fields.string_list(item, "resources", rule_field, "a list of resources"));
    rule.verbs = texts(fields.string_list(item, "verbs", rule_field, "a list of verbs"));
    rule.resource_names =
        texts(fields.string_list(item, "resourceNames", rule_field, "a list of names"));
    if (!item["apiGroups"]) {
      fields.error((item).pos(), "`" + rule_field +
                                     "`: missing required key `apiGroups` (use "
                                     "[\"\"] for the core API group)");
    }
    if (rule.resources.empty() || rule.verbs.empty()) {
      fields.error((item).pos(), "`" + rule_field +
                                     "`: a rule needs non-empty `resources` "
                                     "and `verbs` (e.g. verbs: [get, list])");
    }
    rbac.rules.push_back(std::move(rule));
  }
  return rbac;
}

void parse_deployment(Fields& fields, const YamlNode& root, Workflow& workflow) {
  const YamlNode& node = fields.get(root, "deployment", "", Presence::kOptional, "");
  if (!node.is_defined() || node.is_null()) return;
  const std::string where = "deployment";
  if (!fields.expect_map(node, where, "a map of deployment settings",
                         {"namespace", "image", "imagePullPolicy", "replicas", "resources",
                          "serviceAccount", "rbac", "runtimeClassName", "secrets"})) {
    return;
  }
  Deployment deployment;
  deployment.namespace_name = checked(fields, node, "namespace", where, Presence::kOptional,
                                      "a namespace name", check_dns1123_label);
  if (auto image = fields.scalar(node, "image", where, Presence::kOptional, "a container image")) {
    if (image->text.find_first_of(" \t") != std::string::npos) {
      fields.error(image->pos, "`deployment.image`: \"" + image->text +
                                   "\" is not an image reference; it may not contain spaces");
    } else {
      deployment.image = image->text;
    }
  }
  if (auto policy = fields.choice(node, "imagePullPolicy", where, Presence::kOptional,
                                  {"Always", "IfNotPresent", "Never"})) {
    deployment.image_pull_policy = policy->text;
  }
  if (auto replicas = fields.integer(node, "replicas", where, Presence::kOptional, 0, 1000)) {
    deployment.replicas = as_int(replicas);
  }
  const YamlNode& resources = fields.get(node, "resources", where, Presence::kOptional, "");
  if (resources.is_defined() &&
      fields.expect_map(resources, "deployment.resources", "a map with requests and limits",
                        {"requests", "limits"})) {
    if (resources["requests"]) {
      deployment.requests =
          parse_resource_list(fields, resources["requests"], "deployment.resources.requests");
    }
    if (resources["limits"]) {
      deployment.limits =
          parse_resource_list(fields, resources["limits"], "deployment.resources.limits");
    }
  }
  deployment.service_account = checked(fields, node, "serviceAccount", where, Presence::kOptional,
                                       "a ServiceAccount name", check_dns1123_subdomain);
  const YamlNode& rbac = fields.get(node, "rbac", where, Presence::kOptional, "");
  if (rbac.is_defined()) deployment.rbac = parse_rbac(fields, rbac, "deployment.rbac");
  deployment.runtime_class_name =
      checked(fields, node, "runtimeClassName", where, Presence::kOptional, "a RuntimeClass name",
              check_dns1123_subdomain);
  deployment.secrets = checked(fields, node, "secrets", where, Presence::kOptional,
                               "the name of an existing Secret", check_dns1123_subdomain);
  workflow.deployment = std::move(deployment);
}

}  // namespace

Workflow parse_workflow(const std::string& text, DiagnosticList& diagnostics) {
  Workflow workflow;
  workflow.file = diagnostics.file();
  YamlParse parsed = parse_yaml(text);
  if (!parsed.ok) {
    diagnostics.error(parsed.error_pos, parsed.error_message);
    return workflow;
  }
  Fields fields(diagnostics);
  const YamlNode& root = parsed.root;
  if (!root.is_map()) {
    diagnostics.error((root).pos(),
                      "expected a map with name, version, triggers, nodes and "
                      "edges at the top of the file, got " +
                          describe_yaml(root));
    return workflow;
  }
  fields.expect_map(
      root, "", "a workflow",
      {"name", "version", "description", "triggers", "nodes", "edges", "config", "deployment"});
  parse_name_and_version(fields, root, workflow);
  if (auto description =
          fields.scalar(root, "description", "", Presence::kOptional, "a description")) {
    workflow.description = description->text;
  }
  parse_triggers(fields, root, workflow);
  parse_nodes(fields, root, workflow);
  parse_edges(fields, root, workflow);
  parse_config(fields, root, workflow);
  parse_deployment(fields, root, workflow);
  return workflow;
}

}  // namespace pd::spec
