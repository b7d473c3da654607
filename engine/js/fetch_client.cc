#include "engine/js/fetch_client.h"

#include <algorithm>
#include <cctype>

namespace pd::js {
namespace {

bool same_name(const std::string& a, const char* b) {
  return std::equal(a.begin(), a.end(), b, b + std::char_traits<char>::length(b),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

std::string header(const HttpHeaders& headers, const char* name) {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return value;
  }
  return "";
}

// `location` resolved against `base` (absolute, scheme-relative, absolute-path or relative).
std::string resolve_location(const HttpUrl& base, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  std::string origin = base.scheme + "://" +
                       (base.host.find(':') != std::string::npos ? "[" + base.host + "]"
                                                                 : base.host) +
                       ":" + std::to_string(base.port);
  if (location.starts_with("//")) return base.scheme + ":" + location;
  if (location.starts_with("/")) return origin + location;
  std::string path = base.target.substr(0, base.target.find('?'));
  path = path.substr(0, path.rfind('/') + 1);
  return origin + path + location;
}

}  // namespace

Result<FetchResult> fetch_with_redirects(const HttpTransport& transport, HttpRequest request,
                                         RedirectMode mode, const NetPolicy& policy) {
  FetchResult result;
  for (int hop = 0;; ++hop) {
    Result<HttpUrl> url = parse_http_url(request.url);
    if (!url.is_ok()) return url.status();
    if (Status allowed = policy.check(url.value()); !allowed.is_ok()) return allowed;
    Result<HttpResponse> response = transport.send(request);
    if (!response.is_ok()) return response.status();
    int status = response.value().status;
    std::string location = header(response.value().headers, "Location");
    bool is_redirect = (status == 301 || status == 302 || status == 303 || status == 307 ||
                        status == 308) &&
                       !location.empty();
    if (!is_redirect || mode == RedirectMode::kManual) {
      result.response = std::move(response).value();
      result.url = request.url;
      return result;
    }
    if (mode == RedirectMode::kError) {
      return invalid_argument("fetch: " + request.url + " redirected to " + location +
                              " and the request says redirect: \"error\"");
    }
    if (hop >= 20) return invalid_argument("fetch: too many redirects (20) from " + request.url);
    std::string next = resolve_location(url.value(), location);
    Result<HttpUrl> next_url = parse_http_url(next);
    if (!next_url.is_ok()) return next_url.status();
    if ((status == 303 && request.method != "HEAD") ||
        ((status == 301 || status == 302) && request.method == "POST")) {
      request.method = "GET";
      request.body.clear();
      std::erase_if(request.headers, [](const auto& h) {
        return same_name(h.first, "Content-Type") || same_name(h.first, "Content-Length");
      });
    }
    if (next_url.value().scheme != url.value().scheme || next_url.value().host != url.value().host ||
        next_url.value().port != url.value().port) {
      std::erase_if(request.headers, [](const auto& h) {
        return same_name(h.first, "Authorization") || same_name(h.first, "Cookie") ||
               same_name(h.first, "X-API-Key");
      });
    }
    request.url = next;
    result.redirected = true;
  }
}

}  // namespace pd::js
