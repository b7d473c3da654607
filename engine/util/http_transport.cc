#include "engine/util/http_transport.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <mutex>

namespace pd {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A store holding the extra PEM certificates; the system roots are added by the client.
const char* const kSystemCertDir = "/etc/ssl/certs";
const char* const kSystemCertBundle = "/etc/ssl/certs/ca-certificates.crt";

X509_STORE* store_with(const std::vector<std::string>& pems, std::string& error) {
  X509_STORE* store = X509_STORE_new();
  for (const std::string& pem : pems) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    int added = 0;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store, cert);
      X509_free(cert);
      ++added;
    }
    if (added == 0) {
      error = "caCerts holds no PEM certificate";
      X509_STORE_free(store);
      return nullptr;
    }
  }
  return store;
}

std::string describe(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection refused or host unreachable";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLServerVerification:
      return "invalid peer certificate: the server's certificate is not trusted (pass its CA "
             "with Deno.createHttpClient({ caCerts }))";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load CA certificates";
    case httplib::Error::Read:
      return "connection closed while reading the response";
    case httplib::Error::Write:
      return "connection closed while sending the request";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Canceled:
      return "response too large";
    default:
      return "request failed (" + httplib::to_string(error) + ")";
  }
}

}  // namespace

std::string HttpUrl::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

Result<HttpUrl> parse_http_url(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return invalid_argument("invalid URL \"" + url + "\": " + why);
  };
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return bad("expected http:// or https://");
  HttpUrl out;
  out.scheme = lower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") return bad("only http and https are supported");
  size_t start = scheme_end + 3;
  size_t path_start = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, path_start == std::string::npos ? std::string::npos
                                                                             : path_start - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  std::string port_text;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string::npos) return bad("unterminated IPv6 address");
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = lower(authority.substr(0, colon));
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("no host");
  out.port = out.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    if (!std::all_of(port_text.begin(), port_text.end(), ::isdigit) || port_text.size() > 5) {
      return bad("invalid port");
    }
    out.port = std::stoi(port_text);
  }
  std::string rest = path_start == std::string::npos ? "" : url.substr(path_start);
  if (size_t hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
  out.target = rest.empty() || rest[0] != '/' ? "/" + rest : rest;
  return out;
}

ProxySettings ProxySettings::from_env(const std::map<std::string, std::string>& env) {
  auto get = [&](const char* upper, const char* lower_name) -> std::string {
    if (auto it = env.find(upper); it != env.end() && !it->second.empty()) return it->second;
    if (auto it = env.find(lower_name); it != env.end()) return it->second;
    return "";
  };
  ProxySettings out;
  out.https_proxy = get("HTTPS_PROXY", "https_proxy");
  out.http_proxy = get("HTTP_PROXY", "http_proxy");
  std::string no_proxy = get("NO_PROXY", "no_proxy");
  size_t begin = 0;
  while (begin <= no_proxy.size()) {
    size_t comma = no_proxy.find(',', begin);
    std::string entry = no_proxy.substr(begin, comma == std::string::npos ? std::string::npos
                                                                          : comma - begin);
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t") + 1);
    if (!entry.empty()) out.no_proxy.push_back(lower(entry));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return out;
}

std::optional<std::string> ProxySettings::proxy_for(const HttpUrl& url) const {
  const std::string& proxy = url.scheme == "https" ? https_proxy : http_proxy;
  if (proxy.empty()) return std::nullopt;
  for (std::string entry : no_proxy) {
    if (entry == "*") return std::nullopt;
    if (size_t colon = entry.rfind(':'); colon != std::string::npos && entry.find(']') == std::string::npos &&
                                         entry.find(':') == colon) {
      if (entry.substr(colon + 1) != std::to_string(url.port)) continue;
      entry.resize(colon);
    }
    if (entry.starts_with("*.")) entry.erase(0, 1);
    if (url.host == entry || (entry.starts_with(".") && url.host.ends_with(entry)) ||
        url.host.ends_with("." + entry)) {
      return std::nullopt;
    }
  }
  return proxy;
}

struct NetworkHttpTransport::Pool {
  std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<httplib::ClientImpl>>> idle;
};

NetworkHttpTransport::NetworkHttpTransport(ProxySettings proxy)
    : proxy_(std::move(proxy)), pool_(std::make_unique<Pool>()) {}

NetworkHttpTransport::~NetworkHttpTransport() = default;

Result<HttpResponse> NetworkHttpTransport::send(const HttpRequest& request) const {
  Result<HttpUrl> parsed = parse_http_url(request.url);
  if (!parsed.is_ok()) return parsed.status();
  const HttpUrl& url = parsed.value();
  auto fail = [&](StatusCode code, const std::string& why) {
    return Status(code, "error sending request for url (" + request.url + "): " + why);
  };
  // Connections are reusable only with the same origin, trust, client identity and timeout.
  std::string key = url.scheme + "://" + url.authority() + "|" + request.ca_file + "|" +
                    std::to_string(std::hash<std::string>{}(
                        request.client_cert_pem + request.client_key_pem +
                        [&] {
                          std::string all;
                          for (const std::string& pem : request.ca_certs_pem) all += pem;
                          return all;
                        }())) +
                    "|" + (request.insecure_skip_tls_verify ? "insecure" : "verify") + "|" +
                    request.tls_server_name + "|" +
                    std::to_string(request.timeout.count());
  std::unique_ptr<httplib::ClientImpl> client;
  {
    std::lock_guard<std::mutex> lock(pool_->mutex);
    auto& idle = pool_->idle[key];
    if (!idle.empty()) {
      client = std::move(idle.back());
      idle.pop_back();
    }
  }
  if (client) {
    // A kept-alive connection with the same settings.
  } else if (url.scheme == "https") {
    // With a tls-server-name the client is made for that name (SNI and the certificate check use
    // it) and connects to the URL's host through the address map.
    const std::string& tls_host = request.tls_server_name.empty() ? url.host : request.tls_server_name;
    std::unique_ptr<httplib::SSLClient> tls;
    if (!request.client_cert_pem.empty()) {
      std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
          BIO_new_mem_buf(request.client_cert_pem.data(),
                          static_cast<int>(request.client_cert_pem.size())),
          BIO_free);
      std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
          BIO_new_mem_buf(request.client_key_pem.data(),
                          static_cast<int>(request.client_key_pem.size())),
          BIO_free);
      std::unique_ptr<X509, decltype(&X509_free)> cert(
          PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), X509_free);
      std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
          PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
      if (!cert || !key) {
        return invalid_argument("the client certificate or key is not valid PEM");
      }
      tls = std::make_unique<httplib::SSLClient>(tls_host, url.port, cert.get(), key.get());
    } else {
      tls = std::make_unique<httplib::SSLClient>(tls_host, url.port);
    }
    if (tls_host != url.host) tls->set_hostname_addr_map({{tls_host, url.host}});
    tls->enable_server_certificate_verification(!request.insecure_skip_tls_verify);
    if (!request.ca_file.empty()) {
      tls->set_ca_cert_path(request.ca_file);
    } else {
      if (!request.ca_certs_pem.empty()) {
        std::string error;
        X509_STORE* store = store_with(request.ca_certs_pem, error);
        if (!store) return invalid_argument("Deno.createHttpClient: " + error);
        tls->set_ca_cert_store(store);  // the client's SSL context owns it from here
      }
      // The system roots (besides any caCerts, as in Deno). The hashed folder is looked up per
      // issuer, where parsing the whole bundle costs ~30 ms for every new connection.
      if (std::filesystem::is_directory(kSystemCertDir)) {
        tls->set_ca_cert_path("", kSystemCertDir);
      } else if (std::filesystem::exists(kSystemCertBundle)) {
        tls->set_ca_cert_path(kSystemCertBundle);
      }
    }
    client = std::move(tls);
  } else {
    client = std::make_unique<httplib::ClientImpl>(url.host, url.port);
  }
  if (std::optional<std::string> proxy = proxy_.proxy_for(url)) {
    Result<HttpUrl> proxy_url = parse_http_url(*proxy);
    if (!proxy_url.is_ok()) return fail(StatusCode::kInvalidArgument, "bad proxy " + *proxy);
    client->set_proxy(proxy_url.value().host, proxy_url.value().port);
  }
  auto seconds = std::chrono::duration_cast<std::chrono::microseconds>(request.timeout).count();
  client->set_connection_timeout(seconds / 1000000, seconds % 1000000);
  client->set_read_timeout(seconds / 1000000, seconds % 1000000);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);  // else small bodies wait ~40 ms for a delayed ACK

  httplib::Request req;
  req.method = request.method;
  req.path = url.target;
  for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
  if (!request.tls_server_name.empty() && !req.has_header("Host")) {
    req.headers.emplace("Host", url.port == 443 ? url.host : url.authority());
  }
  req.body = request.body;
  if (!request.body.empty() && !req.has_header("Content-Type")) {
    req.headers.emplace("Content-Type", "application/octet-stream");
  }
  std::string body;
  bool too_large = false;
  bool streaming = false;
  bool sink_stopped = false;
  if (request.body_sink) {
    req.response_handler = [&](const httplib::Response& head) {
      streaming = head.status >= 200 && head.status < 300;
      return true;
    };
  }
  req.content_receiver = [&](const char* data, size_t length, uint64_t, uint64_t) {
    if (streaming) {
      sink_stopped = !request.body_sink(std::string_view(data, length));
      return !sink_stopped;
    }
    if (body.size() + length > request.max_response_bytes) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  auto started = std::chrono::steady_clock::now();
  bool sent = client->send(req, res, error);
  if (!sent && sink_stopped) {
    HttpResponse out;
    out.status = res.status;
    return out;  // the caller stopped reading; the connection is not reusable
  }
  if (!sent) {
    if (too_large) {
      return fail(StatusCode::kFailedPrecondition,
                  "response body is larger than " + std::to_string(request.max_response_bytes) +
                      " bytes");
    }
    bool timed_out = error == httplib::Error::ConnectionTimeout ||
                     (error == httplib::Error::Read &&
                      std::chrono::steady_clock::now() - started >= request.timeout);
    if (timed_out) {
      return fail(StatusCode::kDeadlineExceeded,
                  "timed out after " + std::to_string(request.timeout.count()) + "ms");
    }
    return fail(StatusCode::kUnavailable, describe(error));
  }
  {
    std::lock_guard<std::mutex> lock(pool_->mutex);
    auto& idle = pool_->idle[key];
    if (idle.size() < 8) idle.push_back(std::move(client));
  }
  HttpResponse out;
  out.status = res.status;
  out.status_text = res.reason;
  for (const auto& [name, value] : res.headers) out.headers.emplace_back(name, value);
  out.body = body.empty() ? std::move(res.body) : std::move(body);
  return out;
}

}  // namespace pd
