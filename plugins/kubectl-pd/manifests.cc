#include "plugins/kubectl-pd/manifests.h"

#include "engine/spec/code_archive.h"
#include "engine/util/base64.h"
#include "engine/util/text.h"

namespace pd::kubectl_pd {
namespace {

using Json = nlohmann::json;

Json metadata(const spec::Workflow& workflow, const DeployInputs& inputs, const std::string& name,
              const std::string& component, bool namespaced = true) {
  Json out = {{"name", name}, {"labels", common_labels(workflow, component)}};
  if (namespaced) out["namespace"] = inputs.namespace_name;
  return out;
}

Json restricted_container_security() {
  return {{"allowPrivilegeEscalation", false},
          {"readOnlyRootFilesystem", true},
          {"runAsNonRoot", true},
          {"capabilities", {{"drop", {"ALL"}}}}};
}

Json restricted_pod_security() {
  return {{"runAsNonRoot", true},
          {"runAsUser", 65532},
          {"runAsGroup", 65532},
          {"fsGroup", 65532},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

std::string pull_policy(const DeployInputs& inputs, const spec::Workflow& workflow) {
  if (!inputs.image_pull_policy.empty()) return inputs.image_pull_policy;
  if (workflow.deployment && !workflow.deployment->image_pull_policy.empty()) {
    return workflow.deployment->image_pull_policy;
  }
  return inputs.image.find("@sha256:") != std::string::npos ? "IfNotPresent" : "Always";
}

}  // namespace

std::string version_slug(const std::string& version) {
  std::string out;
  for (char c : version) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  }
  return out;
}

std::string code_configmap_name(const std::string& workflow, const std::string& version) {
  return workflow + "-code-" + version_slug(version);
}

std::map<std::string, std::string> common_labels(const spec::Workflow& workflow,
                                                 const std::string& component) {
  return {{"app.kubernetes.io/name", workflow.name},
          {"app.kubernetes.io/version", version_slug(workflow.version)},
          {"app.kubernetes.io/managed-by", kManagedBy},
          {"app.kubernetes.io/component", component}};
}

Json code_configmap(const spec::Workflow& workflow, const DeployInputs& inputs) {
  Json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", metadata(workflow, inputs,
                                   code_configmap_name(workflow.name, workflow.version), "code")},
             {"immutable", true}};
  std::string p = kAnnotationPrefix;
  cm["metadata"]["annotations"] = {{p + "version", workflow.version},
                                   {p + "content-hash", inputs.bundle.content_hash},
                                   {p + "change-cause", inputs.change_cause},
                                   {p + "git-commit", inputs.git_commit},
                                   {p + "git-dirty", inputs.git_dirty ? "true" : "false"},
                                   {p + "deployed-by", inputs.deployed_by},
                                   {p + "deployed-at", inputs.deployed_at},
                                   {p + "size", std::to_string(inputs.bundle.total_bytes)},
                                   {p + "nodes", std::to_string(workflow.nodes.size())}};
  Json data = Json::object();
  Json binary = Json::object();
  if (!inputs.bundle.archive.empty()) {
    cm["metadata"]["annotations"][p + "compressed"] = "gzip";
    cm["data"] = data;
    cm["binaryData"] = {{spec::kCodeArchiveName, base64_encode(inputs.bundle.archive)}};
    return cm;
  }
  for (const auto& [path, content] : inputs.bundle.files) {
    if (is_valid_utf8(content)) {
      data[flatten_key(path)] = content;
    } else {
      binary[flatten_key(path)] = base64_encode(content);
    }
  }
  cm["data"] = data;
  if (!binary.empty()) cm["binaryData"] = binary;
  return cm;
}

Json code_volume(const std::string& configmap_name, const Json& configmap) {
  Json items = Json::array();
  for (const char* field : {"data", "binaryData"}) {
    if (!configmap.contains(field)) continue;
    for (const auto& [key, value] : configmap[field].items()) {
      (void)value;
      if (std::optional<std::string> path = unflatten_key(key)) {
        items.push_back({{"key", key}, {"path", *path}});
      }
    }
  }
  return {{"name", "code"}, {"configMap", {{"name", configmap_name}, {"items", items}}}};
}

// How the engine stops when its pod is deleted (a rollout, a rollback, a scale-down). Kubernetes
// sends SIGTERM and takes the pod out of its Service's endpoints at the same time, and proxies
// and ingresses learn of it a moment later: the engine goes on serving new requests for the
// shutdown delay (with /ready failing), then finishes what it holds within the rest of its
// grace period. The pod's grace period outlasts the engine's, so that the engine ends on its
// own (saying whether all finished) before the kubelet's SIGKILL.
constexpr int kShutdownDelaySeconds = 5;
constexpr int kEngineGraceSeconds = 30;
constexpr int kPodGraceSeconds = kEngineGraceSeconds + 5;

Json deployment(const spec::Workflow& workflow, const DeployInputs& inputs,
                const Json& code_configmap_object) {
  const std::optional<spec::Deployment>& spec_deploy = workflow.deployment;
  std::string code_name = code_configmap_object["metadata"]["name"];
  std::string secret_name = spec_deploy && !spec_deploy->secrets.empty()
                                ? spec_deploy->secrets
                                : workflow.name + "-secrets";
  Json container = {
      {"name", "engine"},
      {"image", inputs.image},
      {"imagePullPolicy", pull_policy(inputs, workflow)},
      // CronJobs run the cron triggers in a cluster, not the engine.
      {"args",
       {"serve", "--workflow", "/app/workflow", "--port", "8080", "--cron", "off",
        "--shutdown-delay", std::to_string(kShutdownDelaySeconds), "--grace-period",
        std::to_string(kEngineGraceSeconds)}},
      {"ports", {{{"name", "http"}, {"containerPort", 8080}}}},
      {"readinessProbe", {{"httpGet", {{"path", "/ready"}, {"port", "http"}}}, {"periodSeconds", 5}}},
      {"livenessProbe", {{"httpGet", {{"path", "/health"}, {"port", "http"}}}, {"periodSeconds", 10}}},
      {"securityContext", restricted_container_security()},
      {"volumeMounts",
       {{{"name", "code"}, {"mountPath", "/app/workflow"}, {"readOnly", true}},
        {{"name", "config"}, {"mountPath", "/app/config"}, {"readOnly", true}},
        {{"name", "secrets"}, {"mountPath", "/app/secrets"}, {"readOnly", true}},
        {{"name", "tmp"}, {"mountPath", "/tmp"}}}}};
  if (spec_deploy) {
    Json resources = Json::object();
    if (!spec_deploy->requests.cpu.empty()) resources["requests"]["cpu"] = spec_deploy->requests.cpu;
    if (!spec_deploy->requests.memory.empty()) resources["requests"]["memory"] = spec_deploy->requests.memory;
    if (!spec_deploy->limits.cpu.empty()) resources["limits"]["cpu"] = spec_deploy->limits.cpu;
    if (!spec_deploy->limits.memory.empty()) resources["limits"]["memory"] = spec_deploy->limits.memory;
    if (!resources.empty()) container["resources"] = resources;
  }
  Json pod_labels = common_labels(workflow, "engine");
  Json pod_spec = {
      {"containers", {container}},
      {"terminationGracePeriodSeconds", kPodGraceSeconds},
      {"securityContext", restricted_pod_security()},
      {"volumes",
       {code_volume(code_name, code_configmap_object),
        {{"name", "config"}, {"configMap", {{"name", workflow.name + "-config"}, {"optional", true}}}},
        {{"name", "secrets"}, {"secret", {{"secretName", secret_name}, {"optional", true}}}},
        {{"name", "tmp"}, {"emptyDir", {{"sizeLimit", "64Mi"}}}}}}};
  if (spec_deploy && !spec_deploy->service_account.empty()) {
    pod_spec["serviceAccountName"] = spec_deploy->service_account;
    pod_spec["automountServiceAccountToken"] = true;
  } else {
    pod_spec["automountServiceAccountToken"] = false;
  }
  if (spec_deploy && !spec_deploy->runtime_class_name.empty()) {
    pod_spec["runtimeClassName"] = spec_deploy->runtime_class_name;
  }
  Json out = {{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"metadata", metadata(workflow, inputs, workflow.name, "engine")},
              {"spec",
               {{"replicas", spec_deploy && spec_deploy->replicas ? *spec_deploy->replicas : 1},
                {"selector", {{"matchLabels", {{"app.kubernetes.io/name", workflow.name}}}}},
                {"template", {{"metadata", {{"labels", pod_labels}}}, {"spec", pod_spec}}}}}};
  out["metadata"]["annotations"] = {{std::string(kAnnotationPrefix) + "version", workflow.version},
                                    {std::string(kAnnotationPrefix) + "code", code_name}};
  if (!inputs.change_cause.empty()) {
    out["metadata"]["annotations"]["kubernetes.io/change-cause"] = inputs.change_cause;
  }
  return out;
}

std::vector<Json> render_objects(const spec::Workflow& workflow, const DeployInputs& inputs) {
  std::vector<Json> objects;
  if (inputs.create_namespace) {
    objects.push_back({{"apiVersion", "v1"},
                       {"kind", "Namespace"},
                       {"metadata", {{"name", inputs.namespace_name}}}});
  }
  const std::optional<spec::Deployment>& d = workflow.deployment;
  if (d && !d->service_account.empty()) {
    objects.push_back({{"apiVersion", "v1"},
                       {"kind", "ServiceAccount"},
                       {"metadata", metadata(workflow, inputs, d->service_account, "engine")}});
    if (d->rbac) {
      Json rules = Json::array();
      for (const spec::PolicyRule& rule : d->rbac->rules) {
        Json r = {{"apiGroups", rule.api_groups}, {"resources", rule.resources}, {"verbs", rule.verbs}};
        if (!rule.resource_names.empty()) r["resourceNames"] = rule.resource_names;
        rules.push_back(r);
      }
      bool cluster = d->rbac->cluster_scoped;
      std::string role_name = workflow.name;
      Json role = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                   {"kind", cluster ? "ClusterRole" : "Role"},
                   {"metadata", metadata(workflow, inputs, role_name, "engine", !cluster)},
                   {"rules", rules}};
      Json binding = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                      {"kind", cluster ? "ClusterRoleBinding" : "RoleBinding"},
                      {"metadata", metadata(workflow, inputs, role_name, "engine", !cluster)},
                      {"roleRef",
                       {{"apiGroup", "rbac.authorization.k8s.io"},
                        {"kind", cluster ? "ClusterRole" : "Role"},
                        {"name", role_name}}},
                      {"subjects",
                       {{{"kind", "ServiceAccount"},
                         {"name", d->service_account},
                         {"namespace", inputs.namespace_name}}}}};
      objects.push_back(role);
      objects.push_back(binding);
    }
  }
  if (inputs.secrets && !inputs.secrets->empty() && !(d && !d->secrets.empty())) {
    Json string_data = Json::object();
    for (const auto& [service, values] : inputs.secrets->items()) {
      string_data[service] = values.is_string() ? values.get<std::string>() : values.dump();
    }
    objects.push_back({{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata", metadata(workflow, inputs, workflow.name + "-secrets", "secrets")},
                       {"type", "Opaque"},
                       {"stringData", string_data}});
  }
  if (!inputs.config_files.empty()) {
    Json data = Json::object();
    for (const auto& [name, content] : inputs.config_files) data[name] = content;
    objects.push_back({{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", metadata(workflow, inputs, workflow.name + "-config", "config")},
                       {"data", data}});
  }
  Json code = code_configmap(workflow, inputs);
  objects.push_back(code);
  objects.push_back(deployment(workflow, inputs, code));
  objects.push_back({{"apiVersion", "v1"},
                     {"kind", "Service"},
                     {"metadata", metadata(workflow, inputs, workflow.name, "engine")},
                     {"spec",
                      {{"selector", {{"app.kubernetes.io/name", workflow.name}}},
                       {"ports", {{{"name", "http"}, {"port", 8080}, {"targetPort", "http"}}}}}}});
  std::vector<const spec::CronTrigger*> crons;
  std::vector<std::string> cron_names;
  for (const spec::Trigger& trigger : workflow.triggers) {
    if (const auto* cron = std::get_if<spec::CronTrigger>(&trigger.kind)) {
      crons.push_back(cron);
      cron_names.push_back(trigger.name);
    }
  }
  for (size_t i = 0; i < crons.size(); ++i) {
    std::string name = workflow.name + "-cron" + (crons.size() > 1 ? "-" + std::to_string(i + 1) : "");
    Json body = {{"trigger", cron_names[i].empty() ? "cron" : cron_names[i]}};
    Json container = {{"name", "trigger"},
                      {"image", inputs.image},
                      {"imagePullPolicy", pull_policy(inputs, workflow)},
                      {"args",
                       {"post", "http://" + workflow.name + "." + inputs.namespace_name + ".svc:8080/run",
                        "--data", body.dump()}},
                      {"securityContext", restricted_container_security()}};
    Json cron = {{"apiVersion", "batch/v1"},
                 {"kind", "CronJob"},
                 {"metadata", metadata(workflow, inputs, name, "cron")},
                 {"spec",
                  {{"schedule", crons[i]->schedule},
                   {"concurrencyPolicy", "Forbid"},
                   {"successfulJobsHistoryLimit", 3},
                   {"failedJobsHistoryLimit", 3},
                   {"jobTemplate",
                    {{"spec",
                      {{"backoffLimit", 0},
                       {"template",
                        {{"metadata", {{"labels", common_labels(workflow, "cron")}}},
                         {"spec",
                          {{"restartPolicy", "Never"},
                           {"automountServiceAccountToken", false},
                           {"securityContext", restricted_pod_security()},
                           {"containers", {container}}}}}}}}}}}}};
    if (!crons[i]->timezone.empty()) cron["spec"]["timeZone"] = crons[i]->timezone;
    objects.push_back(cron);
  }
  return objects;
}

std::string api_path(const Json& object, bool collection) {
  std::string api_version = object.value("apiVersion", "v1");
  std::string kind = object.value("kind", "");
  static const std::map<std::string, std::string> kPlural = {
      {"Namespace", "namespaces"},       {"ServiceAccount", "serviceaccounts"},
      {"Role", "roles"},                 {"RoleBinding", "rolebindings"},
      {"ClusterRole", "clusterroles"},   {"ClusterRoleBinding", "clusterrolebindings"},
      {"Secret", "secrets"},             {"ConfigMap", "configmaps"},
      {"Deployment", "deployments"},     {"Service", "services"},
      {"CronJob", "cronjobs"},           {"Pod", "pods"},
      {"Event", "events"},               {"ReplicaSet", "replicasets"}};
  std::string base = api_version.find('/') == std::string::npos ? "/api/" + api_version
                                                                : "/apis/" + api_version;
  const Json& meta = object.value("metadata", Json::object());
  std::string ns = meta.value("namespace", "");
  std::string path = base + (ns.empty() ? "" : "/namespaces/" + ns) + "/" + kPlural.at(kind);
  if (!collection) path += "/" + meta.value("name", "");
  return path;
}

}  // namespace pd::kubectl_pd
