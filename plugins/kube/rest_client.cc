#include "plugins/kube/rest_client.h"

#include <ctime>
#include <fstream>
#include <thread>

#include "engine/util/base64.h"
#include "engine/util/clock.h"
#include "engine/util/environment.h"
#include "engine/util/subprocess.h"

namespace pd::kube {
namespace {

bool is_idempotent(const std::string& method, const std::string& content_type) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         (method == "PATCH" && content_type == "application/apply-patch+yaml");
}

}  // namespace

Status api_error(const ApiResponse& response) {
  std::string reason = response.json.is_object() ? response.json.value("reason", "") : "";
  std::string message = response.json.is_object() ? response.json.value("message", "") : "";
  if (message.empty()) message = response.body.empty() ? "the server returned " + std::to_string(response.status) : response.body;
  if (reason.empty()) {
    reason = response.status == 404   ? "NotFound"
             : response.status == 409 ? "AlreadyExists"
             : response.status == 403 ? "Forbidden"
             : response.status == 401 ? "Unauthorized"
                                      : "InternalError";
  }
  StatusCode code = response.status == 404                             ? StatusCode::kNotFound
                    : response.status == 409                           ? StatusCode::kAlreadyExists
                    : response.status == 401 || response.status == 403 ? StatusCode::kPermissionDenied
                    : response.status == 400 || response.status == 422 ? StatusCode::kInvalidArgument
                                                                        : StatusCode::kUnavailable;
  std::string text = "Error from server (" + reason + "): " + message;
  if (response.status == 403) {
    text += "\nhint: the current user lacks that permission; ask for a Role that grants it, or "
            "use a context with more rights (kubectl auth can-i --list)";
  }
  return Status(code, text);
}

RestClient::RestClient(RestConfig config, const HttpTransport& transport,
                       RestClientOptions options)
    : config_(std::move(config)), transport_(transport), options_(std::move(options)) {}

Result<std::unique_ptr<RestClient>> RestClient::create(RestConfig config,
                                                       const HttpTransport& transport,
                                                       RestClientOptions options) {
  if (!options.sleep) options.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (options.env.empty()) options.env = process_environment();
  std::unique_ptr<RestClient> client(new RestClient(std::move(config), transport, std::move(options)));
  if (!client->config_.ca_pem.empty()) {
    // The kubeconfig's CA replaces the system roots, as in kubectl: give it to TLS as a file.
    client->ca_dir_ = std::make_unique<TempDir>("pd-kube-ca");
    client->ca_file_ = (client->ca_dir_->path() / "ca.crt").string();
    std::ofstream(client->ca_file_) << client->config_.ca_pem;
  }
  if (client->config_.insecure_skip_tls_verify && client->options_.warn) {
    client->options_.warn("WARNING: insecure-skip-tls-verify is set for cluster \"" +
                          client->config_.cluster_name +
                          "\": the server's certificate is not checked");
  }
  return client;
}

Result<std::string> RestClient::bearer_token() {
  if (!config_.exec) return config_.token;
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = std::chrono::system_clock::now();
  if (exec_loaded_ && (exec_expiry_ == std::chrono::system_clock::time_point{} || now < exec_expiry_)) {
    return exec_token_;
  }
  const ExecPlugin& plugin = *config_.exec;
  std::string command = plugin.command;
  if (command.find('/') != std::string::npos && !std::filesystem::path(command).is_absolute()) {
    command = (plugin.base_dir / command).string();
  }
  std::vector<std::string> argv{command};
  argv.insert(argv.end(), plugin.args.begin(), plugin.args.end());
  std::map<std::string, std::string> env = options_.env;
  for (const auto& [key, value] : plugin.env) env[key] = value;
  std::string api_version =
      plugin.api_version.empty() ? "client.authentication.k8s.io/v1" : plugin.api_version;
  nlohmann::json info = {{"apiVersion", api_version},
                         {"kind", "ExecCredential"},
                         {"spec", {{"interactive", false}}}};
  if (plugin.provide_cluster_info) {
    info["spec"]["cluster"] = {{"server", config_.server},
                               {"certificate-authority-data", base64_encode(config_.ca_pem)},
                               {"insecure-skip-tls-verify", config_.insecure_skip_tls_verify}};
    if (!config_.tls_server_name.empty()) info["spec"]["cluster"]["tls-server-name"] = config_.tls_server_name;
  }
  env["KUBERNETES_EXEC_INFO"] = info.dump();
  Result<ProcessResult> ran = run_process(argv, env);
  if (!ran.is_ok()) {
    return Status(ran.status().code(), "exec plugin: " + ran.status().message() +
                                           (plugin.install_hint.empty() ? "" : "\n" + plugin.install_hint));
  }
  if (ran.value().exit_code != 0) {
    return Status(StatusCode::kPermissionDenied,
                  "exec plugin " + plugin.command + " failed with exit code " +
                      std::to_string(ran.value().exit_code) + ": " + ran.value().err);
  }
  nlohmann::json credential = nlohmann::json::parse(ran.value().out, nullptr, false);
  if (!credential.is_object() || !credential.contains("status")) {
    return invalid_argument("exec plugin " + plugin.command + " did not print an ExecCredential");
  }
  const nlohmann::json& status = credential["status"];
  exec_token_ = status.value("token", "");
  exec_cert_pem_ = status.value("clientCertificateData", "");
  exec_key_pem_ = status.value("clientKeyData", "");
  exec_expiry_ = {};
  if (status.contains("expirationTimestamp") && status["expirationTimestamp"].is_string()) {
    if (auto expiry = parse_rfc3339(status["expirationTimestamp"])) exec_expiry_ = *expiry;
  }
  exec_loaded_ = true;
  return exec_token_;
}

Result<HttpRequest> RestClient::prepare(const std::string& method, const std::string& path,
                                        const std::string& body, const std::string& content_type) {
  Result<std::string> token = bearer_token();
  if (!token.is_ok()) return token.status();
  HttpRequest http;
  http.method = method;
  http.url = config_.server + path;
  http.body = body;
  http.timeout = options_.timeout;
  http.insecure_skip_tls_verify = config_.insecure_skip_tls_verify;
  http.tls_server_name = config_.tls_server_name;
  http.ca_file = ca_file_;
  http.client_cert_pem = !exec_cert_pem_.empty() ? exec_cert_pem_ : config_.client_cert_pem;
  http.client_key_pem = !exec_key_pem_.empty() ? exec_key_pem_ : config_.client_key_pem;
  http.headers.emplace_back("Accept", "application/json");
  http.headers.emplace_back("User-Agent", "kubectl-pd");
  if (!body.empty()) http.headers.emplace_back("Content-Type", content_type);
  if (!token.value().empty()) {
    http.headers.emplace_back("Authorization", "Bearer " + token.value());
  } else if (!config_.username.empty()) {
    http.headers.emplace_back("Authorization",
                              "Basic " + base64_encode(config_.username + ":" + config_.password));
  }
  return http;
}

ApiResponse RestClient::to_api_response(HttpResponse sent) {
  ApiResponse response;
  response.status = sent.status;
  response.body = std::move(sent.body);
  response.json = nlohmann::json::parse(response.body, nullptr, false);
  if (response.json.is_discarded()) response.json = nullptr;
  return response;
}

Result<ApiResponse> RestClient::stream(const std::string& path,
                                       std::function<bool(std::string_view)> sink,
                                       std::chrono::milliseconds idle_timeout) {
  Result<HttpRequest> http = prepare("GET", path, "", "");
  if (!http.is_ok()) return http.status();
  http.value().timeout = idle_timeout;
  http.value().body_sink = std::move(sink);
  ++requests_sent_;
  Result<HttpResponse> sent = transport_.send(http.value());
  if (!sent.is_ok()) {
    return Status(sent.status().code(), "Unable to connect to the server: " + sent.status().message());
  }
  return to_api_response(std::move(sent.value()));
}

Result<ApiResponse> RestClient::request(const std::string& method, const std::string& path,
                                        const std::string& body, const std::string& content_type) {
  Result<HttpRequest> prepared = prepare(method, path, body, content_type);
  if (!prepared.is_ok()) return prepared.status();
  const HttpRequest& http = prepared.value();
  bool idempotent = is_idempotent(method, content_type);
  for (int attempt = 0;; ++attempt) {
    ++requests_sent_;
    auto started = std::chrono::steady_clock::now();
    Result<HttpResponse> sent = transport_.send(http);
    if (options_.trace) {
      options_.trace(method, http.url, sent.is_ok() ? sent.value().status : 0,
                     static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()));
    }
    bool retryable = !sent.is_ok() || sent.value().status == 429 || sent.value().status >= 500;
    if (retryable && idempotent && attempt < options_.retries) {
      options_.sleep(std::chrono::milliseconds(200) * (1 << attempt));
      continue;
    }
    if (!sent.is_ok()) {
      return Status(sent.status().code(), "Unable to connect to the server: " + sent.status().message());
    }
    return to_api_response(std::move(sent.value()));
  }
}

namespace {

Result<nlohmann::json> json_result(Result<ApiResponse> response) {
  if (!response.is_ok()) return response.status();
  if (response.value().status >= 300) return api_error(response.value());
  return response.value().json;
}

}  // namespace

Result<nlohmann::json> RestClient::get(const std::string& path) {
  return json_result(request("GET", path));
}

Result<nlohmann::json> RestClient::create(const std::string& path, const nlohmann::json& object) {
  return json_result(request("POST", path, object.dump()));
}

Result<nlohmann::json> RestClient::replace(const std::string& path, const nlohmann::json& object) {
  return json_result(request("PUT", path, object.dump()));
}

Result<nlohmann::json> RestClient::apply(const std::string& path, const nlohmann::json& object,
                                         const std::string& field_manager) {
  std::string query = (path.find('?') == std::string::npos ? "?" : "&") +
                      std::string("fieldManager=") + field_manager + "&force=true";
  return json_result(request("PATCH", path + query, object.dump(), "application/apply-patch+yaml"));
}

Result<nlohmann::json> RestClient::merge_patch(const std::string& path,
                                               const nlohmann::json& patch) {
  return json_result(request("PATCH", path, patch.dump(), "application/merge-patch+json"));
}

Status RestClient::remove(const std::string& path) {
  Result<nlohmann::json> result = json_result(request("DELETE", path));
  return result.is_ok() ? Status() : result.status();
}

}  // namespace pd::kube
