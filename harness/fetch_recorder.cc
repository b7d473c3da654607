#include "harness/fetch_recorder.h"

#include <algorithm>
#include <utility>

namespace pd::harness {
namespace {

using Json = nlohmann::json;

// (real value, replacement) for every secret string of 4+ characters, longest first so a value
// that contains another is replaced whole.
std::vector<std::pair<std::string, std::string>> replacements(const Json& real, const Json& fake) {
  std::vector<std::pair<std::string, std::string>> out;
  Json flat_real = real.is_object() ? real.flatten() : Json::object();
  Json flat_fake = fake.is_object() ? fake.flatten() : Json::object();
  for (const auto& [pointer, value] : flat_real.items()) {
    if (!value.is_string() || value.get<std::string>().size() < 4) continue;
    std::string stand_in = "<redacted>";
    if (flat_fake.contains(pointer) && flat_fake[pointer].is_string()) stand_in = flat_fake[pointer].get<std::string>();
    if (stand_in != value.get<std::string>()) out.emplace_back(value.get<std::string>(), stand_in);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return out;
}

std::string replaced(std::string text, const std::vector<std::pair<std::string, std::string>>& secrets) {
  for (const auto& [value, stand_in] : secrets) {
    for (size_t at = text.find(value); at != std::string::npos; at = text.find(value, at + stand_in.size())) {
      text.replace(at, value.size(), stand_in);
    }
  }
  return text;
}

std::string header(const HttpHeaders& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    std::string lower = key;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == name) return value;
  }
  return "";
}

}  // namespace

Result<HttpResponse> RecordingTransport::send(const HttpRequest& request) const {
  Result<HttpResponse> response = network_.send(request);
  if (response.is_ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    exchanges_.push_back({request, response.value()});
  }
  return response;
}

Json RecordingTransport::mocks(const Json& real_secrets, const Json& fixture_secrets) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto secrets = replacements(real_secrets, fixture_secrets);
  Json out = Json::array();
  for (const Exchange& exchange : exchanges_) {
    Json request = {{"method", exchange.request.method}, {"url", replaced(exchange.request.url, secrets)}};
    std::string request_body = replaced(exchange.request.body, secrets);
    if (!request_body.empty()) {
      Json parsed = Json::parse(request_body, nullptr, false);
      if (!parsed.is_discarded() && parsed.is_object()) request["json"] = parsed;
    }
    Json response = {{"status", exchange.response.status}};
    std::string type = header(exchange.response.headers, "content-type");
    std::string body = replaced(exchange.response.body, secrets);
    Json parsed = type.find("json") != std::string::npos ? Json::parse(body, nullptr, false) : Json(nullptr);
    if (!parsed.is_discarded() && !parsed.is_null()) {
      response["json"] = parsed;
    } else {
      if (!type.empty()) response["headers"] = {{"content-type", type}};
      response["body"] = body;
    }
    out.push_back({{"request", request}, {"response", response}});
  }
  return out;
}

}  // namespace pd::harness
