#include "engine/server/gateway_event.h"

#include <algorithm>
#include <cctype>

#include "engine/util/crypto_hash.h"

namespace pd::server {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  return text;
}

// A subject token may not hold '.', spaces or wildcards.
std::string subject_token(const std::string& value) {
  std::string out;
  for (unsigned char c : value) out += std::isalnum(c) || c == '-' || c == '_' ? static_cast<char>(c) : '_';
  return out.empty() ? "_" : out;
}

}  // namespace

GatewayEvent gateway_event(const std::string& subject_template, const std::string& body,
                           const std::function<std::optional<std::string>(const std::string&)>& header,
                           const MessageHeaders& request_headers) {
  GatewayEvent event;
  std::string subject;
  for (size_t i = 0; i < subject_template.size();) {
    if (subject_template[i] != '{') {
      subject += subject_template[i++];
      continue;
    }
    size_t close = subject_template.find('}', i);
    std::string placeholder = subject_template.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
    if (close == std::string::npos || !placeholder.starts_with("header:")) {
      event.error = "the publish template \"" + subject_template + "\" has an unknown placeholder {" +
                    placeholder + "}; use {header:Name}";
      return event;
    }
    std::string name = placeholder.substr(7);
    std::optional<std::string> value = header(name);
    if (!value || value->empty()) {
      event.error = "header " + name + " is required (the publish subject is \"" + subject_template + "\")";
      return event;
    }
    subject += subject_token(*value);
    i = close + 1;
  }
  event.message.subject = subject;
  event.message.data = body;
  for (const auto& [key, value] : request_headers) {
    std::string k = lower(key);
    bool signature = k.find("signature") != std::string::npos;
    if (!signature && (k == "content-type" || k.starts_with("x-"))) event.message.headers.emplace_back(key, value);
  }
  for (const char* id_header : {"X-GitHub-Delivery", "X-Delivery-Id", "X-Request-Id", "Idempotency-Key"}) {
    if (std::optional<std::string> id = header(id_header); id && !id->empty()) {
      event.msg_id = *id;
      break;
    }
  }
  if (event.msg_id.empty()) event.msg_id = "sha256-" + sha256_hex(body);
  return event;
}

}  // namespace pd::server
