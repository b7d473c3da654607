#include "plugins/kubectl-pd/deploy_command.h"

#include <algorithm>
#include <future>

#include "engine/exec/secrets.h"
#include "engine/spec/workflow_loader.h"
#include "engine/util/clock.h"
#include "engine/util/duration.h"
#include "engine/util/file_io.h"
#include "engine/util/subprocess.h"
#include "engine/util/yaml_adapter.h"
#include "plugins/kubectl-pd/cluster_client.h"
#include "plugins/kubectl-pd/manifests.h"
#include "plugins/kubectl-pd/rollout.h"

namespace pd::kubectl_pd {
namespace {

using Json = nlohmann::json;

struct GitInfo {
  std::string commit;
  std::string subject;
  bool dirty = false;
};

GitInfo git_info(const std::filesystem::path& dir) {
  GitInfo info;
  Result<ProcessResult> log = run_process({"git", "-C", dir.string(), "log", "-1", "--format=%H%n%s"});
  if (!log.is_ok() || log.value().exit_code != 0) return info;
  std::string out = log.value().out;
  size_t newline = out.find('\n');
  info.commit = out.substr(0, newline);
  if (newline != std::string::npos) {
    info.subject = out.substr(newline + 1);
    while (!info.subject.empty() && info.subject.back() == '\n') info.subject.pop_back();
  }
  Result<ProcessResult> status = run_process({"git", "-C", dir.string(), "status", "--porcelain", "."});
  info.dirty = status.is_ok() && !status.value().out.empty();
  return info;
}

std::string user_name() {
  const char* user = std::getenv("USER");
  return user ? user : "unknown";
}

Json redact_secrets(Json object) {
  if (object.value("kind", "") != "Secret") return object;
  for (const char* field : {"stringData", "data"}) {
    if (!object.contains(field) || !object[field].is_object()) continue;
    for (auto& [key, value] : object[field].items()) value = "<redacted>";
  }
  // The server's record of the applied fields would repeat them.
  if (object.contains("metadata")) object["metadata"].erase("managedFields");
  return object;
}

void print_objects(const std::vector<Json>& objects, const std::string& format, Io& io) {
  if (format == "json") {
    Json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", Json::array()}};
    for (const Json& o : objects) list["items"].push_back(redact_secrets(o));
    io.out << list.dump(4) << "\n";
    return;
  }
  bool first = true;
  for (const Json& o : objects) {
    if (!first) io.out << "---\n";
    first = false;
    io.out << json_to_yaml(nlohmann::ordered_json::parse(redact_secrets(o).dump()));
  }
}

std::string kind_name(const Json& object) {
  std::string kind = object.value("kind", "");
  std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
  return kind + "/" + object["metadata"].value("name", "");
}

// --dry-run=server: every object goes through the API server's checks and defaulting with
// dryRun=All (nothing is stored), and what it answers is printed.
int server_dry_run(kube::RestClient& client, const std::vector<Json>& objects,
                   const std::string& format, Io& io) {
  std::string ns;
  for (const Json& object : objects) {
    if (object.value("kind", "") == "Namespace") ns = object["metadata"].value("name", "");
  }
  // The server can only check objects in a namespace that exists; say so instead of failing.
  Result<Json> existing_ns = client.get("/api/v1/namespaces/" + ns);
  bool ns_missing = !existing_ns.is_ok() && existing_ns.status().code() == StatusCode::kNotFound;
  if (ns_missing) {
    io.err << "warning: namespace \"" << ns << "\" does not exist yet: the objects in it are "
           << "printed as rendered, without the server's checks\n";
  }
  std::vector<Json> answered;
  for (const Json& object : objects) {
    bool in_namespace = object["metadata"].contains("namespace");
    if (ns_missing && in_namespace) {
      answered.push_back(object);
      continue;
    }
    Result<Json> applied = client.apply(api_path(object) + "?dryRun=All", object, kManagedBy);
    if (!applied.is_ok()) {
      return runtime_error(io, "dry run of " + kind_name(object) + ": " + applied.status().message());
    }
    answered.push_back(applied.value());
  }
  print_objects(answered, format.empty() ? "yaml" : format, io);
  return 0;
}

}  // namespace

CLI::App* DeployCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand(
      "deploy", "Deploy a workflow as an immutable code version and roll the engine onto it.");
  sub->footer(
      "Examples:\n"
      "  kubectl pd deploy my-flow -n team          # deploy, wait for the rollout\n"
      "  kubectl pd deploy --dry-run -o yaml        # print the exact objects instead\n"
      "  kubectl pd deploy --message 'faster fetch' # record why");
  sub->add_option("DIR", path_, "Workflow folder (default: the current folder)");
  sub->add_option("--image", image_, "Engine image (default: deployment.image, else pipedreamer-engine:<version>)");
  sub->add_option("--image-pull-policy", image_pull_policy_, "Always, IfNotPresent or Never")
      ->check(CLI::IsMember({"Always", "IfNotPresent", "Never"}));
  sub->add_option("--message", message_, "Change cause recorded with the version (default: the git commit subject)");
  sub->add_flag("--force", force_, "Replace a deployed version whose code differs");
  sub->add_option("--create-namespace", create_namespace_, "Create the namespace if missing (default true)");
  sub->add_option("--dry-run", dry_run_,
                  "none, client (print the objects) or server (have the API server check and "
                  "default them, storing nothing, then print them)")
      ->expected(0, 1)
      ->default_str("client")
      ->check(CLI::IsMember({"none", "client", "server"}));
  sub->add_option("--keep", keep_, "Old code versions to keep (default 10)");
  sub->add_option("--timeout", timeout_, "How long to wait for the rollout (default 5m)");
  sub->add_flag("--no-wait", no_wait_, "Do not wait for the rollout");
  sub->add_flag("--atomic", atomic_, "Roll back automatically when the rollout fails");
  return sub;
}

int DeployCommand::run(const GlobalOptions& globals, Io& io) {
  if (!check_output_format(io, "deploy", globals.output, {"yaml", "json"})) return 1;
  std::optional<Duration> timeout = parse_duration(timeout_);
  if (!timeout) return usage_error(io, "deploy", "invalid --timeout \"" + timeout_ + "\"");
  spec::LoadedWorkflow loaded = spec::load_workflow(path_);
  io.err << loaded.format_diagnostics();
  if (!loaded.ok()) {
    return runtime_error(io, loaded.diagnostics.file() + ": " +
                                 std::to_string(loaded.diagnostics.error_count()) +
                                 " error(s); nothing was deployed");
  }
  const spec::Workflow& wf = loaded.workflow;
  // git takes ~10 ms per call: ask it while the bundle is read and the cluster is contacted.
  std::future<GitInfo> git_future = std::async(std::launch::async, git_info, wf.dir);
  std::string step;
  auto fail = [&](const Status& status) {
    return runtime_error(io, "deploying workflow \"" + wf.name + "\" (" + step + "): " + status.message());
  };

  DeployInputs inputs;
  step = "collecting code";
  Result<CodeBundle> bundle = collect_code_bundle(wf.dir);
  if (!bundle.is_ok()) return fail(bundle.status());
  inputs.bundle = std::move(bundle).value();
  if (Status fits = fit_into_configmap(inputs.bundle); !fits.is_ok()) return fail(fits);
  step = "reading secrets";
  RealFileSystem fs;
  bool has_local_secrets = fs.stat(wf.dir / ".secrets", true).is_ok() ||
                           fs.stat(wf.dir / ".secrets.yaml", true).is_ok();
  if (has_local_secrets) {
    Result<Json> secrets = exec::load_secrets({wf.dir, std::nullopt, ""}, fs);
    if (!secrets.is_ok()) return fail(secrets.status());
    inputs.secrets = secrets.value();
  }
  if (fs.stat(wf.dir / "config", true).is_ok()) {
    Result<std::vector<DirEntry>> entries = fs.read_dir(wf.dir / "config");
    if (entries.is_ok()) {
      for (const DirEntry& entry : entries.value()) {
        if (entry.name.starts_with(".") || entry.is_directory) continue;
        Result<std::string> text = read_text_file(wf.dir / "config" / entry.name);
        if (text.is_ok()) inputs.config_files[entry.name] = text.value();
      }
    }
  }
  inputs.image = !image_.empty() ? image_
                 : wf.deployment && !wf.deployment->image.empty()
                     ? wf.deployment->image
                     : std::string("pipedreamer-engine:") + PD_VERSION;
  inputs.image_pull_policy = image_pull_policy_;
  inputs.create_namespace = create_namespace_;

  bool dry_run = dry_run_ == "client";
  Result<ClusterConnection> connection = dry_run ? Result<ClusterConnection>(invalid_argument("dry run"))
                                                 : connect_to_cluster(globals, io);
  std::string ns = !globals.namespace_name.empty() ? globals.namespace_name
                   : wf.deployment && !wf.deployment->namespace_name.empty()
                       ? wf.deployment->namespace_name
                   : connection.is_ok() ? connection.value().client->config().namespace_name
                                        : "default";
  inputs.namespace_name = ns;
  kube::RestClient* client_ptr = nullptr;
  if (!dry_run) {
    step = "connecting";
    if (!connection.is_ok()) return fail(connection.status());
    client_ptr = connection.value().client.get();
  }
  // Preflight: is this version already there, with the same code?
  std::string code_name = code_configmap_name(wf.name, wf.version);
  std::string code_path = "/api/v1/namespaces/" + ns + "/configmaps/" + code_name;
  bool code_exists = false;
  Result<Json> existing = not_found("not looked up");
  std::string previous_version;
  Result<Json> current = not_found("not looked up");
  if (client_ptr && dry_run_ != "server") {
    kube::RestClient& client = *client_ptr;
    step = "checking the code version";
    existing = client.get(code_path);
    if (existing.is_ok()) {
      std::string hash = existing.value()["metadata"]
                             .value("annotations", Json::object())
                             .value(std::string(kAnnotationPrefix) + "content-hash", "");
      if (hash != inputs.bundle.content_hash && !force_) {
        return fail(failed_precondition("version " + wf.version +
                                        " is already deployed with different code; bump `version` "
                                        "in workflow.yaml or pass --force"));
      }
      code_exists = hash == inputs.bundle.content_hash;
    } else if (existing.status().code() != StatusCode::kNotFound) {
      return fail(existing.status());
    }
    step = "reading the current deployment";
    current = client.get("/apis/apps/v1/namespaces/" + ns + "/deployments/" + wf.name);
    if (current.is_ok()) {
      previous_version = current.value()["metadata"]
                             .value("annotations", Json::object())
                             .value(std::string(kAnnotationPrefix) + "version", "");
    } else if (current.status().code() != StatusCode::kNotFound) {
      return fail(current.status());
    }
  }
  GitInfo git = git_future.get();
  inputs.change_cause = !message_.empty() ? message_ : git.subject;
  inputs.git_commit = git.commit;
  inputs.git_dirty = git.dirty;
  inputs.deployed_by = user_name();
  inputs.deployed_at = format_rfc3339(std::chrono::system_clock::now());
  std::vector<Json> objects = render_objects(wf, inputs);
  // Kubernetes adds an 11-character suffix to a CronJob's Jobs: its name may have 52 at most.
  for (const Json& object : objects) {
    std::string name = object["metadata"].value("name", "");
    if (object.value("kind", "") == "CronJob" && name.size() > 52) {
      step = "rendering";
      return fail(invalid_argument("the CronJob name \"" + name + "\" is " +
                                   std::to_string(name.size()) +
                                   " characters; Kubernetes allows 52. Shorten the workflow name "
                                   "(at most " + std::to_string(52 - (name.size() - wf.name.size())) +
                                   " characters)"));
    }
  }
  if (dry_run) {
    print_objects(objects, globals.output.empty() ? "yaml" : globals.output, io);
    return 0;
  }
  kube::RestClient& client = *client_ptr;
  if (dry_run_ == "server") return server_dry_run(client, objects, globals.output, io);

  bool unchanged = code_exists && previous_version == wf.version;

  for (Json& object : objects) {
    step = kind_name(object);
    std::string kind = object.value("kind", "");
    if (kind == "ConfigMap" && object["metadata"]["name"] == code_name) {
      if (code_exists) {
        io.out << step << " unchanged\n";
        continue;
      }
      if (existing.is_ok()) {  // --force over different code: immutable, so replace it
        if (Status removed = client.remove(code_path); !removed.is_ok()) return fail(removed);
      }
      Result<Json> created = client.create(api_path(object, true), object);
      if (!created.is_ok()) return fail(created.status());
      io.out << step << " created\n";
      continue;
    }
    if (kind == "Deployment") {
      object["metadata"]["annotations"][std::string(kAnnotationPrefix) + "previous-version"] =
          previous_version == wf.version ? current.value()["metadata"]
                                               .value("annotations", Json::object())
                                               .value(std::string(kAnnotationPrefix) + "previous-version", "")
                                         : previous_version;
    }
    Result<Json> applied = client.apply(api_path(object), object, kManagedBy);
    if (!applied.is_ok()) return fail(applied.status());
    io.out << step << (unchanged ? " unchanged\n" : " configured\n");
  }
  if (unchanged) {
    io.out << "workflow \"" << wf.name << "\" version " << wf.version << " is already deployed: nothing changed\n";
  }

  if (!no_wait_) {
    step = "waiting for the rollout";
    Status rolled = wait_for_rollout(client, ns, wf.name,
                                     std::chrono::duration_cast<std::chrono::milliseconds>(timeout->value), io);
    if (!rolled.is_ok()) {
      std::string hint = previous_version.empty() || previous_version == wf.version
                             ? ""
                             : "\nroll back with: kubectl pd rollback " + wf.name + " -n " + ns +
                                   " --version " + previous_version;
      if (atomic_ && !previous_version.empty() && previous_version != wf.version) {
        io.err << "rolling back to version " << previous_version << " (--atomic)\n";
        Status back = point_deployment_at(client, ns, wf.name, previous_version,
                                          "automatic rollback after a failed deploy of " + wf.version);
        if (back.is_ok()) {
          back = wait_for_rollout(client, ns, wf.name,
                                  std::chrono::duration_cast<std::chrono::milliseconds>(timeout->value), io);
        }
        if (!back.is_ok()) hint = "\nthe automatic rollback failed too: " + back.message();
        else hint = "\nrolled back to version " + previous_version;
      }
      return runtime_error(io, "deploying workflow \"" + wf.name + "\" (" + step + "): " +
                                   rolled.message() + hint);
    }
  }

  // Garbage-collect old code versions: keep --keep, never the active or the previous one.
  step = "removing old versions";
  Result<std::vector<Json>> versions = code_versions(client, ns, wf.name);
  if (versions.is_ok()) {
    const std::vector<Json>& items = versions.value();
    std::string previous_name = previous_version.empty() ? "" : code_configmap_name(wf.name, previous_version);
    int kept = 0;
    for (const Json& item : items) {
      std::string name = item["metadata"].value("name", "");
      if (name == code_name || name == previous_name || kept < keep_) {
        ++kept;
        continue;
      }
      if (client.remove("/api/v1/namespaces/" + ns + "/configmaps/" + name).is_ok()) {
        io.out << "configmap/" << name << " deleted (old version)\n";
      }
    }
  }
  return 0;
}

}  // namespace pd::kubectl_pd
