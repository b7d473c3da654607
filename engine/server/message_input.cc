#include "engine/server/message_input.h"

#include <algorithm>

#include "engine/util/clock.h"

namespace pd::server {
namespace {

std::string media_type(std::string content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  std::transform(content_type.begin(), content_type.end(), content_type.begin(), ::tolower);
  content_type.erase(0, content_type.find_first_not_of(" \t"));
  content_type.erase(content_type.find_last_not_of(" \t") + 1);
  return content_type;
}

bool is_json_media_type(const std::string& type) {
  return type == "application/json" || type.ends_with("+json");
}

}  // namespace

Result<nlohmann::json> message_input(const nats::Message& message,
                                     const std::string& trigger_name) {
  std::string type = media_type(message.header("Content-Type"));
  nlohmann::json input;
  if (type.empty()) {
    input = nlohmann::json::parse(message.data, nullptr, false);
    if (input.is_discarded()) input = {{"data", message.data}};
    if (message.data.empty()) input = nlohmann::json::object();
    if (input.is_object() && !input.contains("trigger")) {
      input["trigger"] = trigger_name.empty() ? message.subject : trigger_name;
    }
    return input;
  }
  if (is_json_media_type(type)) {
    try {
      return nlohmann::json::parse(message.data);
    } catch (const nlohmann::json::parse_error& e) {
      return invalid_argument("the message is not valid JSON (Content-Type " + type +
                              "): " + e.what());
    }
  }
  if (type.starts_with("text/")) return nlohmann::json(message.data);
  return nlohmann::json::binary(std::vector<uint8_t>(message.data.begin(), message.data.end()));
}

std::string json_payload_text(const nats::Message& message) {
  std::string type = media_type(message.header("Content-Type"));
  if (!is_json_media_type(type)) return "";
  return nlohmann::json::accept(message.data) ? message.data : "";
}

nlohmann::json queue_trigger_info(const std::string& trigger_name, const nats::Message& message,
                                  const nats::DeliveryInfo* delivery) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [key, value] : message.headers) {
    if (!headers.contains(key)) headers[key] = value;
  }
  nlohmann::json info = {{"type", "queue"},
                         {"name", trigger_name},
                         {"subject", message.subject},
                         {"headers", headers}};
  if (!message.reply.empty() && !delivery) info["replyTo"] = message.reply;
  if (delivery) {
    info["delivery"] = {
        {"stream", delivery->stream},
        {"consumer", delivery->consumer},
        {"streamSequence", delivery->stream_sequence},
        {"consumerSequence", delivery->consumer_sequence},
        {"attempt", delivery->delivered},
        {"pending", delivery->pending},
        {"timestamp", format_rfc3339(std::chrono::system_clock::time_point(
                          std::chrono::duration_cast<std::chrono::system_clock::duration>(
                              std::chrono::nanoseconds(delivery->timestamp_ns))))}};
  }
  return info;
}

}  // namespace pd::server
