// HTTP as a collaborator: fetch in the JS runtime, ctx.fetch and the Kubernetes client send
// requests through an HttpTransport, so the harness can answer them from fixtures while
// production uses NetworkHttpTransport (HTTP/1.1 and HTTPS over OpenSSL with the system CA
// bundle, HTTPS_PROXY/NO_PROXY). A transport sends one request: redirects are the caller's.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/status.h"

namespace pd {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  // PEM certificates trusted besides the system roots (Deno.createHttpClient({caCerts})).
  std::vector<std::string> ca_certs_pem;
  // A PEM file trusted instead of the system roots (a kubeconfig's certificate-authority).
  std::string ca_file;
  bool insecure_skip_tls_verify = false;
  // A client certificate and key (PEM) for mutual TLS.
  std::string client_cert_pem;
  std::string client_key_pem;
  // The name the server's certificate must carry (and the TLS SNI) when it differs from the URL's
  // host, as a kubeconfig's tls-server-name says.
  std::string tls_server_name;
  std::chrono::milliseconds timeout{30000};
  size_t max_response_bytes = 64u << 20;
  // When set, a 2xx response's body is handed over chunk by chunk as it arrives (a followed log)
  // instead of being collected; returning false stops reading. Other statuses are collected.
  std::function<bool(std::string_view chunk)> body_sink;
  // Who sends it (js::CallOptions::caller, e.g. the node's name, else the node's file), so a test
  // transport can answer each node with its own mocks. Not sent anywhere.
  std::string caller;
};

struct HttpResponse {
  int status = 0;
  std::string status_text;
  HttpHeaders headers;
  std::string body;
};

// An http(s) URL split into what a connection needs.
struct HttpUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;        // explicit or the scheme's default
  std::string target;  // path and query, at least "/"
  std::string authority() const;  // host:port as permissions name it
};

// InvalidArgument naming the URL when it is not an absolute http(s) URL.
Result<HttpUrl> parse_http_url(const std::string& url);

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Blocking and thread-safe. Errors: kUnavailable (connection, TLS, proxy), kDeadlineExceeded
  // (timeout), kFailedPrecondition (response larger than max_response_bytes); every message names
  // the URL.
  virtual Result<HttpResponse> send(const HttpRequest& request) const = 0;
};

// Which proxy to use for a URL, from HTTPS_PROXY/HTTP_PROXY/NO_PROXY (either case) in `env`.
struct ProxySettings {
  std::string https_proxy;
  std::string http_proxy;
  std::vector<std::string> no_proxy;  // host suffixes, "*" for all

  static ProxySettings from_env(const std::map<std::string, std::string>& env);
  // The proxy URL for `url`, or nullopt to connect directly.
  std::optional<std::string> proxy_for(const HttpUrl& url) const;
};

// Keeps idle connections per origin and TLS settings (keep-alive), so a run of requests to one
// server pays for one TLS handshake; concurrent requests each get their own connection.
class NetworkHttpTransport : public HttpTransport {
 public:
  explicit NetworkHttpTransport(ProxySettings proxy = {});
  ~NetworkHttpTransport() override;
  Result<HttpResponse> send(const HttpRequest& request) const override;

 private:
  struct Pool;
  ProxySettings proxy_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace pd
