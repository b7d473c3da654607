// The node's `ctx`, as Pipedreamer nodes know it: ctx.fetch(service, path, init) with credentials
// injected only for the service's own hosts, ctx.log.* structured records, ctx.config,
// ctx.secrets and ctx.k8s (get/list/request against the cluster's API server). It is built
// inside V8 by the context script below (RuntimeOptions::context_script) from NodeContextData.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd::exec {

// The Kubernetes API a node reaches through ctx.k8s when it does not run in a pod (in a pod it
// reads the service account files and KUBERNETES_SERVICE_HOST/PORT itself).
struct KubeTarget {
  std::string server;  // https://host:port
  std::string token;
  std::string ca_pem;
  std::string namespace_name = "default";
};

struct NodeContextData {
  std::string workflow;
  std::string node;
  std::string execution_id;
  nlohmann::json config = nlohmann::json::object();
  nlohmann::json secrets = nlohmann::json::object();
  // Hosts besides api.<service>.com that a service's credentials may be sent to, from the
  // workflow config's `service_hosts` (e.g. slack: [hooks.slack.com]).
  std::map<std::string, std::vector<std::string>> service_hosts;
  std::optional<KubeTarget> kube;
  nlohmann::json trigger;  // ctx.trigger; null leaves it undefined
};

nlohmann::json to_json(const NodeContextData& data);

// The same as JSON text, in parts, so that what many calls share is written once:
// - environment_context_json: what every execution with the same config and secrets shares
//   (workflow, config, secrets, serviceHosts, k8s), a whole JSON object. The runtime makes
//   each call's copy of it without parsing it again (js::CallOptions::ctx_shared_json).
// - node_context_json: a call's own members, the node's name and the execution id, as JSON
//   (the executor hands them over as text instead: js::CallOptions::ctx_node). The
//   trigger goes on its own (js::CallOptions::ctx_trigger_json), parsed only if a node reads it.
std::string environment_context_json(const NodeContextData& data);
std::string node_context_json(const std::string& node, const std::string& execution_id);

// JavaScript: `(api) => (data) => ctx` (see RuntimeOptions::context_script).
const std::string& node_context_script();

}  // namespace pd::exec
