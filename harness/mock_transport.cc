#include "harness/mock_transport.h"

#include <algorithm>

#include "harness/json_diff.h"

namespace pd::harness {
namespace {

using Json = nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

// api.<service>.com → service; any other host as it is.
std::string service_of(const HttpUrl& url) {
  if (url.host.starts_with("api.") && url.host.ends_with(".com")) {
    return url.host.substr(4, url.host.size() - 8);
  }
  return url.host;
}

std::string mock_url(const FetchMock& mock) {
  return mock.url.empty() ? "https://api." + mock.service + ".com" + mock.path : mock.url;
}

// How far `request` is from `mock`: 0 is a match; otherwise what differs.
std::string mismatch(const FetchMock& mock, const HttpRequest& request) {
  if (!mock.method.empty() && mock.method != request.method) return "method " + mock.method;
  std::string want = mock_url(mock);
  std::string got = request.url;
  if (!want.empty() && want != got) {
    Result<HttpUrl> a = parse_http_url(want);
    Result<HttpUrl> b = parse_http_url(got);
    if (!a.is_ok() || !b.is_ok() || a.value().host != b.value().host || a.value().target != b.value().target ||
        a.value().port != b.value().port) {
      return "url " + want;
    }
  }
  for (const auto& [name, value] : mock.headers.items()) {
    bool found = false;
    for (const auto& [key, v] : request.headers) {
      if (lower(key) == lower(name) && v == value.get<std::string>()) found = true;
    }
    if (!found) return "header " + name + ": " + value.get<std::string>();
  }
  if (!mock.json_body.is_null()) {
    Json body = Json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !json_differences(mock.json_body, body, true, 1).empty()) {
      return "json body " + mock.json_body.dump();
    }
  }
  return "";
}

}  // namespace

Result<HttpResponse> MockTransport::send(const HttpRequest& request) const {
  std::lock_guard<std::mutex> lock(mutex_);
  RecordedRequest recorded{request.method, request.url, Json::object(), request.body};
  for (const auto& [name, value] : request.headers) recorded.headers[lower(name)] = value;
  requests_.push_back(recorded);
  Result<HttpUrl> url = parse_http_url(request.url);
  if (!url.is_ok()) return url.status();
  if (!mocks_) {
    HttpResponse response;
    response.status = 200;
    response.headers = {{"content-type", "application/json"}};
    response.body = Json{{"mock", true}, {"service", service_of(url.value())}, {"path", url.value().target}}.dump();
    return response;
  }
  used_.resize(mocks_->size(), 0);
  std::string nearest;
  for (size_t i = 0; i < mocks_->size(); ++i) {
    const FetchMock& mock = (*mocks_)[i];
    if (mock.times >= 0 && used_[i] >= mock.times) continue;
    std::string why = mismatch(mock, request);
    if (!why.empty()) {
      if (nearest.empty() || why.starts_with("header") || why.starts_with("json")) {
        nearest = "fetch[" + std::to_string(i) + "] (" + (mock.method.empty() ? "*" : mock.method) +
                  " " + mock_url(mock) + ") wants " + why;
      }
      continue;
    }
    ++used_[i];
    HttpResponse response;
    response.status = mock.status;
    for (const auto& [name, value] : mock.response_headers.items()) {
      response.headers.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
    if (!mock.json.is_null()) {
      response.body = mock.json.dump();
      response.headers.emplace_back("content-type", "application/json");
    } else {
      response.body = mock.body;
    }
    return response;
  }
  return Status(StatusCode::kUnavailable,
                "no fetch mock matches " + request.method + " " + request.url +
                    (nearest.empty() ? "" : "; nearest: " + nearest));
}

std::vector<RecordedRequest> MockTransport::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::vector<std::string> MockTransport::unused() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  if (!mocks_) return out;
  for (size_t i = 0; i < mocks_->size(); ++i) {
    int used = i < used_.size() ? used_[i] : 0;
    if ((*mocks_)[i].times > 0 && used < (*mocks_)[i].times) {
      out.push_back("fetch[" + std::to_string(i) + "] " + mock_url((*mocks_)[i]) + " used " +
                    std::to_string(used) + " of " + std::to_string((*mocks_)[i].times) + " times");
    }
  }
  return out;
}

}  // namespace pd::harness
