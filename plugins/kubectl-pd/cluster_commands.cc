#include "plugins/kubectl-pd/cluster_commands.h"

#include <algorithm>
#include <fstream>

#include "engine/util/base64.h"
#include "engine/util/duration.h"
#include "engine/util/subprocess.h"
#include "engine/util/temp_dir.h"
#include "engine/util/yaml_adapter.h"
#include "plugins/kubectl-pd/cluster_client.h"
#include "plugins/kubectl-pd/code_bundle.h"
#include "plugins/kubectl-pd/manifests.h"
#include "plugins/kubectl-pd/rollout.h"
#include "plugins/kubectl-pd/table_printer.h"

namespace pd::kubectl_pd {
namespace {

using Json = nlohmann::json;

std::string annotation(const Json& object, const std::string& key) {
  return object["metadata"].value("annotations", Json::object()).value(std::string(kAnnotationPrefix) + key, "");
}

std::string namespace_for(const ClusterConnection& connection) {
  return connection.client->config().namespace_name;
}

std::string selector(const std::string& name, const std::string& component = "") {
  std::string s = "labelSelector=app.kubernetes.io%2Fname%3D" + name;
  if (!component.empty()) s += "%2Capp.kubernetes.io%2Fcomponent%3D" + component;
  return s;
}

Result<Json> deployment_of(kube::RestClient& client, const std::string& ns, const std::string& name) {
  Result<Json> d = client.get("/apis/apps/v1/namespaces/" + ns + "/deployments/" + name);
  if (!d.is_ok() && d.status().code() == StatusCode::kNotFound) {
    return not_found("workflow \"" + name + "\" is not deployed in namespace \"" + ns + "\"");
  }
  return d;
}

void print_data(const Json& value, const std::string& format, Io& io) {
  if (format == "json") {
    io.out << value.dump(4) << "\n";
  } else {
    io.out << json_to_yaml(nlohmann::ordered_json::parse(value.dump()));
  }
}

// Writes the files of a code ConfigMap under `dir`.
Status write_version(const Json& cm, const std::filesystem::path& dir) {
  Result<std::map<std::string, std::string>> files = code_files_of(cm);
  if (!files.is_ok()) {
    return Status(files.status().code(), "configmap/" + cm["metadata"].value("name", "") + ": " +
                                             files.status().message());
  }
  for (const auto& [path, content] : files.value()) {
    std::filesystem::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << content;
  }
  return Status();
}

}  // namespace

// ---------------------------------------------------------------------------------------------

CLI::App* VersionsCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand("versions", "List the deployed code versions of a workflow.");
  sub->footer("Examples:\n  kubectl pd versions my-flow\n  kubectl pd versions my-flow --diff          # active vs previous\n  kubectl pd versions my-flow --diff 1.0 1.1");
  sub->add_option("NAME", name_, "Workflow name")->required();
  diff_option_ = sub->add_option("--diff", diff_,
                                 "Unified diff of every file between two versions (default: the "
                                 "previous and the active one)")
                     ->expected(0, 2);
  return sub;
}

int VersionsCommand::run(const GlobalOptions& globals, Io& io) {
  if (!check_output_format(io, "versions", globals.output, {"json", "yaml"})) return 1;
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = namespace_for(connection.value());
  Result<std::vector<Json>> versions = code_versions(client, ns, name_);
  if (!versions.is_ok()) return runtime_error(io, versions.status().message());
  if (versions.value().empty()) {
    return runtime_error(io, "workflow \"" + name_ + "\" has no deployed versions in namespace \"" + ns + "\"");
  }
  Result<Json> deployment = deployment_of(client, ns, name_);
  std::string active = deployment.is_ok() ? annotation(deployment.value(), "version") : "";
  std::string previous = deployment.is_ok() ? annotation(deployment.value(), "previous-version") : "";
  std::erase(diff_, std::string());  // --diff with no value
  if (diff_option_->count() > 0) {
    std::string a = diff_.size() >= 1 ? diff_[0] : previous;
    std::string b = diff_.size() >= 2 ? diff_[1] : active;
    if (a.empty() || b.empty()) return runtime_error(io, "there is no previous version to compare with");
    TempDir dir("pd-versions-diff");
    for (const std::string& version : {a, b}) {
      Result<Json> cm = client.get("/api/v1/namespaces/" + ns + "/configmaps/" + code_configmap_name(name_, version));
      if (!cm.is_ok()) return runtime_error(io, "version " + version + ": " + cm.status().message());
      if (Status written = write_version(cm.value(), dir.path() / version); !written.is_ok()) {
        return runtime_error(io, "version " + version + ": " + written.message());
      }
    }
    Result<ProcessResult> out = run_process({"diff", "-ruN", a, b}, std::nullopt, dir.path().string());
    if (!out.is_ok()) return runtime_error(io, out.status().message());
    io.out << out.value().out;
    return 0;
  }
  if (!globals.output.empty()) {
    Json list = Json::array();
    for (const Json& cm : versions.value()) {
      std::string version = annotation(cm, "version");
      list.push_back({{"version", version},
                      {"configMap", cm["metadata"]["name"]},
                      {"created", cm["metadata"].value("creationTimestamp", "")},
                      {"size", std::stoll("0" + annotation(cm, "size"))},
                      {"nodes", std::stoll("0" + annotation(cm, "nodes"))},
                      {"changeCause", annotation(cm, "change-cause")},
                      {"contentHash", annotation(cm, "content-hash")},
                      {"gitCommit", annotation(cm, "git-commit")},
                      {"active", version == active}});
    }
    print_data(list, globals.output, io);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const Json& cm : versions.value()) {
    std::string version = annotation(cm, "version");
    rows.push_back({version + (version == active ? " (active)" : ""),
                    age_since(cm["metadata"].value("creationTimestamp", "")), annotation(cm, "size"),
                    annotation(cm, "nodes"), annotation(cm, "change-cause")});
  }
  print_table(io.out, {"VERSION", "CREATED", "SIZE", "NODES", "CHANGE-CAUSE"}, rows);
  return 0;
}

// ---------------------------------------------------------------------------------------------

CLI::App* RollbackCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand("rollback", "Point a workflow back at an earlier code version.");
  sub->footer("Examples:\n  kubectl pd rollback my-flow                 # the previous version\n  kubectl pd rollback my-flow --version 1.0");
  sub->add_option("NAME", name_, "Workflow name")->required();
  sub->add_option("--version", version_, "Version to roll back to (default: the previous one)");
  sub->add_option("--timeout", timeout_, "How long to wait for the rollout (default 5m)");
  sub->add_flag("--no-wait", no_wait_, "Do not wait for the rollout");
  return sub;
}

int RollbackCommand::run(const GlobalOptions& globals, Io& io) {
  std::optional<Duration> timeout = parse_duration(timeout_);
  if (!timeout) return usage_error(io, "rollback", "invalid --timeout \"" + timeout_ + "\"");
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = namespace_for(connection.value());
  Result<Json> deployment = deployment_of(client, ns, name_);
  if (!deployment.is_ok()) return runtime_error(io, deployment.status().message());
  std::string active = annotation(deployment.value(), "version");
  std::string target = !version_.empty() ? version_ : annotation(deployment.value(), "previous-version");
  Result<std::vector<Json>> versions = code_versions(client, ns, name_);
  if (!versions.is_ok()) return runtime_error(io, versions.status().message());
  std::vector<std::string> available;
  for (const Json& cm : versions.value()) available.push_back(annotation(cm, "version"));
  if (target.empty()) {
    return runtime_error(io, "workflow \"" + name_ + "\" has no previous version; pass --version");
  }
  if (std::find(available.begin(), available.end(), target) == available.end()) {
    std::string list;
    for (const std::string& v : available) list += (list.empty() ? "" : ", ") + v;
    return runtime_error(io, "version " + target + " of workflow \"" + name_ +
                                 "\" does not exist; deployed versions: " + list + ". Nothing was changed.");
  }
  if (target == active) {
    io.out << "workflow \"" << name_ << "\" already runs version " << target << "\n";
    return 0;
  }
  Status pointed = point_deployment_at(client, ns, name_, target, "rollback from " + active + " to " + target);
  if (!pointed.is_ok()) return runtime_error(io, "rolling back: " + pointed.message());
  io.out << "deployment.apps/" << name_ << " rolled back to version " << target << "\n";
  if (!no_wait_) {
    Status rolled = wait_for_rollout(client, ns, name_,
                                     std::chrono::duration_cast<std::chrono::milliseconds>(timeout->value), io);
    if (!rolled.is_ok()) return runtime_error(io, "rolling back: " + rolled.message());
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------

CLI::App* StatusCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand("status", "Show a deployed workflow: version, rollout, pods, CronJobs, warnings.");
  sub->add_option("NAME", name_, "Workflow name")->required();
  return sub;
}

int StatusCommand::run(const GlobalOptions& globals, Io& io) {
  if (!check_output_format(io, "status", globals.output, {"json", "yaml"})) return 1;
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = namespace_for(connection.value());
  Result<Json> deployment = deployment_of(client, ns, name_);
  if (!deployment.is_ok()) return runtime_error(io, deployment.status().message());
  const Json& d = deployment.value();
  const Json& st = d.value("status", Json::object());
  Json out = {{"name", name_},
              {"namespace", ns},
              {"version", annotation(d, "version")},
              {"previousVersion", annotation(d, "previous-version")},
              {"image", d["spec"]["template"]["spec"]["containers"][0].value("image", "")},
              {"replicas",
               {{"desired", d["spec"].value("replicas", 1)},
                {"updated", st.value("updatedReplicas", 0)},
                {"ready", st.value("readyReplicas", 0)},
                {"available", st.value("availableReplicas", 0)}}},
              {"conditions", Json::array()},
              {"pods", Json::array()},
              {"cronJobs", Json::array()},
              {"warnings", Json::array()}};
  for (const Json& c : st.value("conditions", Json::array())) {
    out["conditions"].push_back({{"type", c.value("type", "")}, {"status", c.value("status", "")},
                                 {"reason", c.value("reason", "")}});
  }
  Result<Json> pods = client.get("/api/v1/namespaces/" + ns + "/pods?" + selector(name_));
  if (pods.is_ok()) {
    for (const Json& pod : pods.value().value("items", Json::array())) {
      int restarts = 0;
      for (const Json& cs : pod["status"].value("containerStatuses", Json::array())) restarts += cs.value("restartCount", 0);
      out["pods"].push_back({{"name", pod["metadata"].value("name", "")},
                             {"phase", pod["status"].value("phase", "")},
                             {"restarts", restarts},
                             {"created", pod["metadata"].value("creationTimestamp", "")}});
    }
  }
  Result<Json> crons = client.get("/apis/batch/v1/namespaces/" + ns + "/cronjobs?" + selector(name_));
  if (crons.is_ok()) {
    for (const Json& cj : crons.value().value("items", Json::array())) {
      out["cronJobs"].push_back({{"name", cj["metadata"].value("name", "")},
                                 {"schedule", cj["spec"].value("schedule", "")},
                                 {"lastRun", cj.value("status", Json::object()).value("lastScheduleTime", "")}});
    }
  }
  Result<Json> events = client.get("/api/v1/namespaces/" + ns + "/events?fieldSelector=type%3DWarning");
  if (events.is_ok()) {
    for (const Json& e : events.value().value("items", Json::array())) {
      std::string object = e.value("involvedObject", Json::object()).value("name", "");
      if (object.rfind(name_, 0) != 0) continue;
      out["warnings"].push_back({{"object", object}, {"reason", e.value("reason", "")}, {"message", e.value("message", "")}});
    }
  }
  if (!globals.output.empty()) {
    print_data(out, globals.output, io);
    return 0;
  }
  io.out << "Workflow:   " << name_ << " (namespace " << ns << ")\n"
         << "Version:    " << out["version"].get<std::string>()
         << (out["previousVersion"].get<std::string>().empty() ? "" : " (previous " + out["previousVersion"].get<std::string>() + ")") << "\n"
         << "Image:      " << out["image"].get<std::string>() << "\n"
         << "Replicas:   " << out["replicas"]["desired"] << " desired, " << out["replicas"]["updated"]
         << " updated, " << out["replicas"]["ready"] << " ready, " << out["replicas"]["available"] << " available\n";
  for (const Json& c : out["conditions"]) {
    io.out << "Condition:  " << c["type"].get<std::string>() << "=" << c["status"].get<std::string>()
           << (c["reason"].get<std::string>().empty() ? "" : " (" + c["reason"].get<std::string>() + ")") << "\n";
  }
  std::vector<std::vector<std::string>> rows;
  for (const Json& p : out["pods"]) {
    rows.push_back({p["name"], p["phase"], std::to_string(p["restarts"].get<int>()), age_since(p["created"])});
  }
  io.out << "\nPods:\n";
  print_table(io.out, {"NAME", "STATUS", "RESTARTS", "AGE"}, rows);
  if (!out["cronJobs"].empty()) {
    rows.clear();
    for (const Json& c : out["cronJobs"]) {
      std::string last = c["lastRun"];
      rows.push_back({c["name"], c["schedule"], last.empty() ? "<none>" : age_since(last)});
    }
    io.out << "\nCronJobs:\n";
    print_table(io.out, {"NAME", "SCHEDULE", "LAST RUN"}, rows);
  }
  if (!out["warnings"].empty()) {
    io.out << "\nWarnings:\n";
    for (const Json& w : out["warnings"]) {
      io.out << "  " << w["object"].get<std::string>() << ": " << w["reason"].get<std::string>() << ": "
             << w["message"].get<std::string>() << "\n";
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------

CLI::App* ListCommand::add_to(CLI::App& parent) {
  return parent.add_subcommand("list", "List the workflows kubectl-pd deployed (-A: in every namespace).");
}

int ListCommand::run(const GlobalOptions& globals, Io& io) {
  if (!check_output_format(io, "list", globals.output, {"json", "yaml", "name"})) return 1;
  Result<ClusterConnection> connection = connect_to_cluster(globals, io);
  if (!connection.is_ok()) return runtime_error(io, connection.status().message());
  kube::RestClient& client = *connection.value().client;
  std::string ns = namespace_for(connection.value());
  std::string managed = "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubectl-pd";
  std::string scope = globals.all_namespaces ? "" : "/namespaces/" + ns;
  Result<Json> deployments = client.get("/apis/apps/v1" + scope + "/deployments?" + managed);
  if (!deployments.is_ok()) return runtime_error(io, deployments.status().message());
  Result<Json> crons = client.get("/apis/batch/v1" + scope + "/cronjobs?" + managed);
  Json list = Json::array();
  for (const Json& d : deployments.value().value("items", Json::array())) {
    std::string name = d["metadata"].value("name", "");
    std::string dns = d["metadata"].value("namespace", "");
    int cron_count = 0;
    if (crons.is_ok()) {
      for (const Json& c : crons.value().value("items", Json::array())) {
        const Json& labels = c["metadata"].value("labels", Json::object());
        cron_count += labels.value("app.kubernetes.io/name", "") == name && c["metadata"].value("namespace", "") == dns;
      }
    }
    const Json& st = d.value("status", Json::object());
    list.push_back({{"name", name},
                    {"namespace", dns},
                    {"version", annotation(d, "version")},
                    {"ready", std::to_string(st.value("readyReplicas", 0)) + "/" + std::to_string(d["spec"].value("replicas", 1))},
                    {"triggers", "http" + (cron_count ? ", cron×" + std::to_string(cron_count) : std::string())},
                    {"created", d["metadata"].value("creationTimestamp", "")}});
  }
  if (globals.output == "name") {
    for (const Json& w : list) io.out << "workflow/" << w["name"].get<std::string>() << "\n";
    return 0;
  }
  if (!globals.output.empty()) {
    print_data(list, globals.output, io);
    return 0;
  }
  if (list.empty()) {
    io.err << "No workflows found" << (globals.all_namespaces ? "" : " in " + ns + " namespace") << ".\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const Json& w : list) {
    rows.push_back({w["name"], w["namespace"], w["version"], w["ready"], w["triggers"], age_since(w["created"])});
  }
  print_table(io.out, {"NAME", "NAMESPACE", "VERSION", "READY", "TRIGGERS", "AGE"}, rows);
  return 0;
}

}  // namespace pd::kubectl_pd
