#include "plugins/kubectl-pd/manage_commands.h"

#include <iostream>
#include <unistd.h>

#include "plugins/kubectl-pd/cluster_client.h"
#include "plugins/kubectl-pd/manifests.h"

namespace pd::kubectl_pd {
namespace {

using Json = nlohmann::json;

std::string by_name(const std::string& name) {
  return "labelSelector=app.kubernetes.io%2Fname%3D" + name +
         "%2Capp.kubernetes.io%2Fmanaged-by%3Dkubectl-pd";
}

}  // namespace

CLI::App* UndeployCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand("undeploy", "Remove everything kubectl-pd created for a workflow.");
  sub->add_option("NAME", name_, "Workflow name")->required();
  sub->add_flag("--yes,-y", yes_, "Do not ask for confirmation");
  sub->add_flag("--keep-versions", keep_versions_, "Keep the code ConfigMaps (to deploy them again later)");
  return sub;
}

int UndeployCommand::run(const GlobalOptions& globals, Io& io) {
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = client.config().namespace_name;
  if (!yes_) {
    if (!isatty(STDIN_FILENO)) {
      return runtime_error(io, "refusing to undeploy \"" + name_ + "\" without confirmation: pass --yes");
    }
    io.err << "Remove workflow \"" << name_ << "\" from namespace \"" << ns << "\"? [y/N] ";
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      io.err << "Nothing was removed.\n";
      return 1;
    }
  }
  struct Kind {
    const char* collection;
    const char* label;
  };
  const Kind kinds[] = {{"/apis/batch/v1/namespaces/{ns}/cronjobs", "cronjob.batch"},
                        {"/api/v1/namespaces/{ns}/services", "service"},
                        {"/apis/apps/v1/namespaces/{ns}/deployments", "deployment.apps"},
                        {"/api/v1/namespaces/{ns}/configmaps", "configmap"},
                        {"/api/v1/namespaces/{ns}/secrets", "secret"},
                        {"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", "rolebinding.rbac.authorization.k8s.io"},
                        {"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", "role.rbac.authorization.k8s.io"},
                        {"/api/v1/namespaces/{ns}/serviceaccounts", "serviceaccount"},
                        {"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "clusterrolebinding.rbac.authorization.k8s.io"},
                        {"/apis/rbac.authorization.k8s.io/v1/clusterroles", "clusterrole.rbac.authorization.k8s.io"}};
  int removed = 0;
  for (const Kind& kind : kinds) {
    std::string collection = kind.collection;
    if (size_t at = collection.find("{ns}"); at != std::string::npos) collection.replace(at, 4, ns);
    Result<Json> list = client.get(collection + "?" + by_name(name_));
    if (!list.is_ok()) return runtime_error(io, list.status().message());
    for (const Json& item : list.value().value("items", Json::array())) {
      std::string component = item["metadata"].value("labels", Json::object()).value("app.kubernetes.io/component", "");
      if (keep_versions_ && component == "code") continue;
      std::string object = item["metadata"].value("name", "");
      Status status = client.remove(collection + "/" + object);
      if (!status.is_ok() && status.code() != StatusCode::kNotFound) {
        return runtime_error(io, status.message());
      }
      io.out << kind.label << " \"" << object << "\" deleted\n";
      ++removed;
    }
  }
  if (removed == 0) return runtime_error(io, "workflow \"" + name_ + "\" is not deployed in namespace \"" + ns + "\"");
  return 0;
}

CLI::App* LogsCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand("logs", "Print the logs of every pod of a workflow, prefixed by pod name.");
  sub->add_option("NAME", name_, "Workflow name")->required();
  sub->add_option("--tail", tail_, "Lines to show from the end of each pod's log (default: all)");
  return sub;
}

int LogsCommand::run(const GlobalOptions& globals, Io& io) {
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = client.config().namespace_name;
  Result<Json> pods = client.get("/api/v1/namespaces/" + ns + "/pods?labelSelector=app.kubernetes.io%2Fname%3D" + name_);
  if (!pods.is_ok()) return runtime_error(io, pods.status().message());
  const Json& items = pods.value()["items"];
  if (items.empty()) return runtime_error(io, "workflow \"" + name_ + "\" has no pods in namespace \"" + ns + "\"");
  for (const Json& pod : items) {
    std::string pod_name = pod["metadata"].value("name", "");
    std::string path = "/api/v1/namespaces/" + ns + "/pods/" + pod_name + "/log";
    if (tail_ >= 0) path += "?tailLines=" + std::to_string(tail_);
    Result<kube::ApiResponse> log = client.request("GET", path);
    if (!log.is_ok()) return runtime_error(io, log.status().message());
    if (log.value().status >= 300) return runtime_error(io, kube::api_error(log.value()).message());
    std::string text = log.value().body;
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find('\n', begin);
      io.out << "[" << pod_name << "] " << text.substr(begin, end == std::string::npos ? std::string::npos : end - begin) << "\n";
      if (end == std::string::npos) break;
      begin = end + 1;
    }
  }
  return 0;
}

CLI::App* ConfigCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand(
      "config", "Read or change a deployed workflow's runtime config ({name}-config): the engine applies it without a restart.");
  sub->footer("Examples:\n  kubectl pd config my-flow get\n  kubectl pd config my-flow set max_items=50\n  kubectl pd config my-flow unset max_items");
  sub->add_option("NAME", name_, "Workflow name")->required();
  sub->add_option("ACTION", action_, "get, set or unset")->required()->check(CLI::IsMember({"get", "set", "unset"}));
  sub->add_option("KEY", argument_, "KEY (get, unset) or KEY=VALUE (set)");
  return sub;
}

int ConfigCommand::run(const GlobalOptions& globals, Io& io) {
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = client.config().namespace_name;
  std::string path = "/api/v1/namespaces/" + ns + "/configmaps/" + name_ + "-config";
  Result<Json> cm = client.get(path);
  if (!cm.is_ok() && cm.status().code() != StatusCode::kNotFound) return runtime_error(io, cm.status().message());
  Json data = cm.is_ok() ? cm.value().value("data", Json::object()) : Json::object();
  if (action_ == "get") {
    if (!argument_.empty()) {
      if (!data.contains(argument_)) return runtime_error(io, "config key \"" + argument_ + "\" is not set");
      io.out << data[argument_].get<std::string>() << "\n";
      return 0;
    }
    for (const auto& [key, value] : data.items()) io.out << key << "=" << value.get<std::string>() << "\n";
    return 0;
  }
  if (action_ == "set") {
    size_t eq = argument_.find('=');
    if (eq == std::string::npos || eq == 0) return usage_error(io, "config", "set needs KEY=VALUE");
    Json entry = {{argument_.substr(0, eq), argument_.substr(eq + 1)}};
    if (cm.is_ok()) {
      Result<Json> patched = client.merge_patch(path, {{"data", entry}});
      if (!patched.is_ok()) return runtime_error(io, patched.status().message());
    } else {
      Result<Json> deployment = client.get("/apis/apps/v1/namespaces/" + ns + "/deployments/" + name_);
      if (!deployment.is_ok()) return runtime_error(io, deployment.status().message());
      Json object = {{"apiVersion", "v1"},
                     {"kind", "ConfigMap"},
                     {"metadata",
                      {{"name", name_ + "-config"},
                       {"namespace", ns},
                       {"labels", deployment.value()["metadata"]["labels"]}}},
                     {"data", entry}};
      object["metadata"]["labels"]["app.kubernetes.io/component"] = "config";
      Result<Json> created = client.create("/api/v1/namespaces/" + ns + "/configmaps", object);
      if (!created.is_ok()) return runtime_error(io, created.status().message());
    }
    io.out << "configmap/" << name_ << "-config configured\n";
    return 0;
  }
  if (argument_.empty()) return usage_error(io, "config", "unset needs KEY");
  if (!data.contains(argument_)) return runtime_error(io, "config key \"" + argument_ + "\" is not set");
  Result<Json> patched = client.merge_patch(path, {{"data", {{argument_, nullptr}}}});
  if (!patched.is_ok()) return runtime_error(io, patched.status().message());
  io.out << "configmap/" << name_ << "-config configured\n";
  return 0;
}

}  // namespace pd::kubectl_pd
