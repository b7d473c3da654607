#include "plugins/kubectl-pd/manage_commands.h"

#include <unistd.h>

#include <iostream>
#include <mutex>
#include <thread>

#include "engine/util/duration.h"
#include "engine/util/yaml_adapter.h"
#include "plugins/kubectl-pd/cluster_client.h"
#include "plugins/kubectl-pd/manifests.h"
#include "plugins/kubectl-pd/rollout.h"

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
  sub->footer("Examples:\n  kubectl pd logs my-flow --tail 20\n  kubectl pd logs my-flow -f        # follow every pod until they end");
  sub->add_option("NAME", name_, "Workflow name")->required();
  sub->add_option("--tail", tail_, "Lines to show from the end of each pod's log (default: all)");
  sub->add_flag("-f,--follow", follow_, "Keep streaming new lines from every pod");
  return sub;
}

namespace {

// Writes whole lines, prefixed by the pod's name, from chunks that may split lines; one writer
// at a time so followed pods' lines never interleave mid-line.
class PrefixedLineWriter {
 public:
  PrefixedLineWriter(std::string pod, std::ostream& out, std::mutex& mutex)
      : prefix_("[" + std::move(pod) + "] "), out_(out), mutex_(mutex) {}
  bool write(std::string_view chunk) {
    pending_.append(chunk);
    std::string lines;
    size_t begin = 0;
    for (size_t end; (end = pending_.find('\n', begin)) != std::string::npos; begin = end + 1) {
      lines += prefix_ + pending_.substr(begin, end - begin) + "\n";
    }
    pending_.erase(0, begin);
    if (!lines.empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      out_ << lines << std::flush;
    }
    return static_cast<bool>(out_);
  }
  void finish() {
    if (!pending_.empty()) write("\n");
  }

 private:
  std::string prefix_;
  std::string pending_;
  std::ostream& out_;
  std::mutex& mutex_;
};

}  // namespace

int LogsCommand::run(const GlobalOptions& globals, Io& io) {
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = client.config().namespace_name;
  Result<Json> pods = client.get("/api/v1/namespaces/" + ns + "/pods?labelSelector=app.kubernetes.io%2Fname%3D" + name_);
  if (!pods.is_ok()) return runtime_error(io, pods.status().message());
  const Json& items = pods.value()["items"];
  if (items.empty()) return runtime_error(io, "workflow \"" + name_ + "\" has no pods in namespace \"" + ns + "\"");
  std::mutex output;
  std::vector<std::string> errors(items.size());
  // Each pod's log is read (or followed) on its own thread; lines are printed as they come.
  std::vector<std::thread> readers;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string pod_name = items[i]["metadata"].value("name", "");
    std::string path = "/api/v1/namespaces/" + ns + "/pods/" + pod_name + "/log";
    std::string query;
    if (tail_ >= 0) query += "tailLines=" + std::to_string(tail_);
    if (follow_) query += std::string(query.empty() ? "" : "&") + "follow=true";
    if (!query.empty()) path += "?" + query;
    readers.emplace_back([&, i, pod_name, path] {
      PrefixedLineWriter writer(pod_name, io.out, output);
      Result<kube::ApiResponse> log =
          follow_ ? client.stream(path, [&](std::string_view chunk) { return writer.write(chunk); },
                                  std::chrono::hours(24))
                  : client.request("GET", path);
      if (!log.is_ok()) {
        errors[i] = log.status().message();
      } else if (log.value().status >= 300) {
        errors[i] = kube::api_error(log.value()).message();
      } else if (!follow_) {
        writer.write(log.value().body);
      }
      writer.finish();
    });
  }
  for (std::thread& reader : readers) reader.join();
  for (const std::string& error : errors) {
    if (!error.empty()) return runtime_error(io, error);
  }
  return 0;
}

CLI::App* RunCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand(
      "run", "Run a deployed workflow once, through the API server's service proxy, and print the result.");
  sub->footer("Examples:\n  kubectl pd run my-flow\n  kubectl pd run my-flow --input '{\"repo\": \"a/b\"}' -o yaml\nExit status 1 when the execution failed (its result is printed).");
  sub->add_option("NAME", name_, "Workflow name")->required();
  sub->add_option("--input", input_, "The root input, as JSON (default {})");
  sub->add_option("--timeout", timeout_, "How long to wait for the workflow to be ready (default 60s)");
  return sub;
}

int RunCommand::run(const GlobalOptions& globals, Io& io) {
  if (!check_output_format(io, "run", globals.output, {"yaml", "json"})) return 1;
  std::optional<Duration> timeout = parse_duration(timeout_);
  if (!timeout) return usage_error(io, "run", "invalid --timeout \"" + timeout_ + "\"");
  Json input = Json::parse(input_, nullptr, false);
  if (input.is_discarded()) {
    return usage_error(io, "run", "--input is not valid JSON: " + input_);
  }
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = client.config().namespace_name;
  Status ready = wait_for_rollout(client, ns, name_,
                                  std::chrono::duration_cast<std::chrono::milliseconds>(timeout->value), io);
  if (!ready.is_ok()) return runtime_error(io, "workflow \"" + name_ + "\" is not ready: " + ready.message());
  Result<kube::ApiResponse> ran = client.request(
      "POST", "/api/v1/namespaces/" + ns + "/services/" + name_ + ":8080/proxy/run", input.dump());
  if (!ran.is_ok()) return runtime_error(io, ran.status().message());
  const kube::ApiResponse& response = ran.value();
  // The engine answers 200 or 500 with an execution result; anything else is the proxy's error.
  bool is_result = response.json.is_object() && response.json.contains("success");
  if (!is_result) {
    if (response.status >= 300) return runtime_error(io, kube::api_error(response).message());
    return runtime_error(io, "the workflow answered " + std::to_string(response.status) +
                                 " without an execution result: " + response.body);
  }
  if (globals.output == "yaml") {
    io.out << json_to_yaml(nlohmann::ordered_json::parse(response.body));
  } else {
    io.out << nlohmann::ordered_json::parse(response.body).dump(2) << "\n";
  }
  if (!response.json.value("success", false)) {
    io.err << "error: the execution of workflow \"" << name_ << "\" failed\n";
    return 1;
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
