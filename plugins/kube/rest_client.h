// A small Kubernetes REST client over pd::HttpTransport: bearer token (static, file, or from an
// exec credential plugin, cached until it expires), client certificates, basic auth, the
// kubeconfig's CA (or insecure-skip-tls-verify, with a warning). API errors become Status values
// whose message is the API's own (`Error from server (NotFound): configmaps "x" not found`);
// idempotent calls are retried with backoff on 429, 5xx and connection failures.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/util/http_transport.h"
#include "engine/util/status.h"
#include "engine/util/temp_dir.h"
#include "plugins/kube/kubeconfig.h"

namespace pd::kube {

struct ApiResponse {
  int status = 0;
  std::string body;
  nlohmann::json json;  // the body parsed, or null
};

struct RestClientOptions {
  std::chrono::milliseconds timeout{30000};
  int retries = 3;  // for idempotent calls
  // How to wait between retries (tests pass a no-op).
  std::function<void(std::chrono::milliseconds)> sleep;
  std::map<std::string, std::string> env;  // for exec plugins; the process's when empty
  std::function<void(const std::string&)> warn;  // e.g. the insecure-skip-tls-verify warning
  // Called after every request: method, URL, status (0 when none came back), milliseconds.
  std::function<void(const std::string&, const std::string&, int, long)> trace;
};

// The API's error for a failed response: kNotFound, kAlreadyExists (409), kPermissionDenied
// (401/403), kInvalidArgument (400/422), kUnavailable (429/5xx), with kubectl's message.
Status api_error(const ApiResponse& response);

class RestClient {
 public:
  static Result<std::unique_ptr<RestClient>> create(RestConfig config,
                                                    const HttpTransport& transport,
                                                    RestClientOptions options = {});

  // `path` is the API path with its query, e.g. /api/v1/namespaces/x/configmaps?labelSelector=a.
  Result<ApiResponse> request(const std::string& method, const std::string& path,
                              const std::string& body = "",
                              const std::string& content_type = "application/json");

  // A GET whose successful body is handed to `sink` as it arrives (`pods/x/log?follow=true`);
  // returns when the server ends the body, `sink` returns false, or nothing arrives for
  // `idle_timeout`. Not retried. A failed response comes back whole.
  Result<ApiResponse> stream(const std::string& path, std::function<bool(std::string_view)> sink,
                             std::chrono::milliseconds idle_timeout);

  Result<nlohmann::json> get(const std::string& path);
  Result<nlohmann::json> create(const std::string& path, const nlohmann::json& object);
  Result<nlohmann::json> replace(const std::string& path, const nlohmann::json& object);
  // Server-side apply (fieldManager, force).
  Result<nlohmann::json> apply(const std::string& path, const nlohmann::json& object,
                               const std::string& field_manager);
  Result<nlohmann::json> merge_patch(const std::string& path, const nlohmann::json& patch);
  Status remove(const std::string& path);

  const RestConfig& config() const { return config_; }
  // Requests sent so far (benchmarks count them).
  int requests_sent() const { return requests_sent_.load(); }

 private:
  RestClient(RestConfig config, const HttpTransport& transport, RestClientOptions options);
  Result<std::string> bearer_token();
  Result<HttpRequest> prepare(const std::string& method, const std::string& path,
                              const std::string& body, const std::string& content_type);
  static ApiResponse to_api_response(HttpResponse sent);

  RestConfig config_;
  const HttpTransport& transport_;
  RestClientOptions options_;
  std::unique_ptr<TempDir> ca_dir_;
  std::string ca_file_;
  std::mutex mutex_;
  std::string exec_token_;
  std::string exec_cert_pem_;
  std::string exec_key_pem_;
  std::chrono::system_clock::time_point exec_expiry_{};
  bool exec_loaded_ = false;
  std::atomic<int> requests_sent_{0};
};

}  // namespace pd::kube
