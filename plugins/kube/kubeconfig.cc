#include "plugins/kube/kubeconfig.h"

#include <nlohmann/json.hpp>

#include "engine/util/base64.h"
#include "engine/util/text.h"
#include "engine/util/yaml_adapter.h"
#include "engine/util/yaml_tree.h"

namespace pd::kube {
namespace {

using Json = nlohmann::json;

struct Named {
  Json value;
  std::filesystem::path dir;  // of the file that defined it
};

struct Merged {
  std::map<std::string, Named> clusters;
  std::map<std::string, Named> users;
  std::map<std::string, Named> contexts;
  std::string current_context;
  std::vector<std::string> files;
};

Status merge_file(const FileSystem& fs, const std::filesystem::path& file, Merged& merged) {
  Result<std::string> text = fs.read_file(file);
  if (!text.is_ok()) return text.status();
  YamlParse parsed = parse_yaml(text.value());
  if (!parsed.ok) {
    return invalid_argument("error loading config file \"" + file.string() + "\": line " +
                            std::to_string(parsed.error_pos.line) + ": " + parsed.error_message);
  }
  Json config = Json(yaml_to_json(parsed.root));
  if (config.is_null()) return Status();
  if (!config.is_object()) {
    return invalid_argument("error loading config file \"" + file.string() + "\": not a kubeconfig");
  }
  std::filesystem::path dir = file.parent_path();
  auto take = [&](const char* list, const char* field, std::map<std::string, Named>& into) {
    if (!config.contains(list) || !config[list].is_array()) return;
    for (const Json& entry : config[list]) {
      if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) continue;
      std::string name = entry["name"];
      if (!into.count(name)) into[name] = {entry.value(field, Json::object()), dir};
    }
  };
  take("clusters", "cluster", merged.clusters);
  take("users", "user", merged.users);
  take("contexts", "context", merged.contexts);
  if (merged.current_context.empty() && config.contains("current-context") &&
      config["current-context"].is_string()) {
    merged.current_context = config["current-context"];
  }
  merged.files.push_back(file.string());
  return Status();
}

std::filesystem::path resolve(const std::filesystem::path& dir, const std::string& path) {
  std::filesystem::path p(path);
  return p.is_absolute() ? p : dir / p;
}

// `<field>-data` (base64) or `<field>` (a file relative to the kubeconfig).
Result<std::string> data_or_file(const FileSystem& fs, const Named& entry, const std::string& field) {
  std::string data_key = field + "-data";
  if (entry.value.contains(data_key) && entry.value[data_key].is_string()) {
    std::optional<std::string> decoded = base64_decode(entry.value[data_key].get<std::string>());
    if (!decoded) return invalid_argument(data_key + " is not valid base64");
    return *decoded;
  }
  if (entry.value.contains(field) && entry.value[field].is_string()) {
    Result<std::string> text = fs.read_file(resolve(entry.dir, entry.value[field]));
    if (!text.is_ok()) {
      return Status(text.status().code(), "unable to read " + field + " " +
                                              entry.value[field].get<std::string>() + ": " +
                                              text.status().message());
    }
    return text.value();
  }
  return std::string();
}

Result<RestConfig> in_cluster_config(const std::map<std::string, std::string>& env,
                                     const FileSystem& fs, const std::string& namespace_flag) {
  const std::filesystem::path dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  RestConfig config;
  std::string host = env.at("KUBERNETES_SERVICE_HOST");
  auto port = env.find("KUBERNETES_SERVICE_PORT");
  config.server = "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                  ":" + (port != env.end() ? port->second : "443");
  Result<std::string> token = fs.read_file(dir / "token");
  if (!token.is_ok()) return Status(token.status().code(), "in-cluster config: " + token.status().message());
  config.token = trim(token.value());
  Result<std::string> ca = fs.read_file(dir / "ca.crt");
  if (ca.is_ok()) config.ca_pem = ca.value();
  Result<std::string> ns = fs.read_file(dir / "namespace");
  config.namespace_name = !namespace_flag.empty() ? namespace_flag
                          : ns.is_ok()            ? trim(ns.value())
                                                  : "default";
  config.in_cluster = true;
  return config;
}

}  // namespace

Result<RestConfig> load_rest_config(const KubeconfigFlags& flags,
                                    const std::map<std::string, std::string>& env,
                                    const FileSystem& fs) {
  Merged merged;
  if (!flags.kubeconfig.empty()) {
    if (Status status = merge_file(fs, flags.kubeconfig, merged); !status.is_ok()) {
      return Status(status.code(), "stat " + flags.kubeconfig + ": " + status.message());
    }
  } else if (auto list = env.find("KUBECONFIG"); list != env.end() && !list->second.empty()) {
    size_t begin = 0;
    while (begin <= list->second.size()) {
      size_t colon = list->second.find(':', begin);
      std::string file = list->second.substr(begin, colon == std::string::npos ? std::string::npos
                                                                               : colon - begin);
      if (!file.empty() && fs.stat(file, true).is_ok()) {
        if (Status status = merge_file(fs, file, merged); !status.is_ok()) return status;
      }
      if (colon == std::string::npos) break;
      begin = colon + 1;
    }
  } else if (auto home = env.find("HOME"); home != env.end() &&
                                           fs.stat(home->second + "/.kube/config", true).is_ok()) {
    if (Status status = merge_file(fs, home->second + "/.kube/config", merged); !status.is_ok()) {
      return status;
    }
  }
  if (merged.files.empty()) {
    if (env.count("KUBERNETES_SERVICE_HOST")) return in_cluster_config(env, fs, flags.namespace_name);
    return invalid_argument(
        "no configuration has been provided: pass --kubeconfig, set KUBECONFIG, or create "
        "~/.kube/config");
  }

  RestConfig config;
  config.context_name = !flags.context.empty() ? flags.context : merged.current_context;
  Json context = Json::object();
  if (!config.context_name.empty()) {
    auto found = merged.contexts.find(config.context_name);
    if (found == merged.contexts.end()) {
      return not_found("context \"" + config.context_name + "\" does not exist");
    }
    context = found->second.value;
  } else if (flags.cluster.empty()) {
    return invalid_argument("no context is set: pass --context or set current-context in " +
                            merged.files.front());
  }
  config.cluster_name = !flags.cluster.empty() ? flags.cluster : context.value("cluster", "");
  std::string user_name = !flags.user.empty() ? flags.user : context.value("user", "");
  auto cluster = merged.clusters.find(config.cluster_name);
  if (cluster == merged.clusters.end()) {
    return not_found("cluster \"" + config.cluster_name + "\" does not exist" +
                     (config.context_name.empty() ? "" : " (context \"" + config.context_name + "\")"));
  }
  const Named& c = cluster->second;
  config.server = c.value.value("server", "");
  if (config.server.empty()) {
    return invalid_argument("cluster \"" + config.cluster_name + "\" has no server");
  }
  Result<std::string> ca = data_or_file(fs, c, "certificate-authority");
  if (!ca.is_ok()) return ca.status();
  config.ca_pem = ca.value();
  config.insecure_skip_tls_verify = c.value.value("insecure-skip-tls-verify", false);
  config.tls_server_name = c.value.value("tls-server-name", "");
  if (!user_name.empty()) {
    auto user = merged.users.find(user_name);
    if (user == merged.users.end()) return not_found("user \"" + user_name + "\" does not exist");
    const Named& u = user->second;
    config.token = u.value.value("token", "");
    if (config.token.empty() && u.value.contains("tokenFile")) {
      Result<std::string> token = fs.read_file(resolve(u.dir, u.value["tokenFile"]));
      if (!token.is_ok()) return Status(token.status().code(), "tokenFile: " + token.status().message());
      config.token = trim(token.value());
    }
    config.username = u.value.value("username", "");
    config.password = u.value.value("password", "");
    Result<std::string> cert = data_or_file(fs, u, "client-certificate");
    if (!cert.is_ok()) return cert.status();
    Result<std::string> key = data_or_file(fs, u, "client-key");
    if (!key.is_ok()) return key.status();
    config.client_cert_pem = cert.value();
    config.client_key_pem = key.value();
    if (u.value.contains("exec") && u.value["exec"].is_object()) {
      const Json& e = u.value["exec"];
      ExecPlugin plugin;
      plugin.api_version = e.value("apiVersion", "");
      plugin.command = e.value("command", "");
      if (plugin.command.empty()) {
        return invalid_argument("user \"" + user_name + "\": exec plugin has no command");
      }
      for (const Json& arg : e.value("args", Json::array())) plugin.args.push_back(arg.get<std::string>());
      for (const Json& var : e.value("env", Json::array())) {
        if (var.is_object()) plugin.env[var.value("name", "")] = var.value("value", "");
      }
      plugin.provide_cluster_info = e.value("provideClusterInfo", false);
      plugin.install_hint = e.value("installHint", "");
      plugin.base_dir = u.dir;
      config.exec = plugin;
    }
  }
  config.namespace_name = !flags.namespace_name.empty() ? flags.namespace_name
                                                         : context.value("namespace", "default");
  if (config.namespace_name.empty()) config.namespace_name = "default";
  return config;
}

}  // namespace pd::kube
