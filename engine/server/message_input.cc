#include "engine/server/message_input.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "engine/util/clock.h"
#include "engine/util/json_text.h"
#include "engine/util/text.h"

namespace pd::server {
namespace {

// A Content-Type's media type: before any parameters, without the blanks around it. Looked at
// in place, with the case ignored: this runs for every message.
std::string_view media_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  size_t first = content_type.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return content_type.substr(first, content_type.find_last_not_of(" \t") - first + 1);
}

bool is_json_media_type(std::string_view type) {
  constexpr std::string_view kSuffix = "+json";
  return equals_ignoring_case(type, "application/json") ||
         (type.size() >= kSuffix.size() &&
          equals_ignoring_case(type.substr(type.size() - kSuffix.size()), kSuffix));
}

}  // namespace

Result<nlohmann::json> message_input(const nats::Message& message,
                                     const std::string& trigger_name) {
  std::string_view type = media_type(message.header("Content-Type"));
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
      return invalid_argument("the message is not valid JSON (Content-Type " +
                              std::string(type) + "): " + e.what());
    }
  }
  if (type.size() >= 5 && equals_ignoring_case(type.substr(0, 5), "text/")) {
    return nlohmann::json(message.data);
  }
  return nlohmann::json::binary(std::vector<uint8_t>(message.data.begin(), message.data.end()));
}

bool has_json_content_type(const nats::Message& message) {
  return is_json_media_type(media_type(message.header("Content-Type")));
}

std::string json_payload_text(const nats::Message& message) {
  if (!has_json_content_type(message)) return "";
  return is_json_text(message.data) ? message.data : "";
}

std::string queue_trigger_json(const std::string& trigger_name, const nats::Message& message,
                               const nats::DeliveryInfo* delivery) {
  std::string out;
  out.reserve(320);  // a JetStream message with a header or two, without growing
  out += "{\"type\":\"queue\",\"name\":";
  append_json_string(out, trigger_name);
  out += ",\"subject\":";
  append_json_string(out, message.subject);
  out += ",\"headers\":{";
  for (size_t i = 0; i < message.headers.size(); ++i) {
    const auto& [key, value] = message.headers[i];
    bool repeated = std::any_of(message.headers.begin(), message.headers.begin() + i,
                                [&key = key](const auto& earlier) { return earlier.first == key; });
    if (repeated) continue;
    if (out.back() != '{') out += ',';
    append_json_string(out, key);
    out += ':';
    append_json_string(out, value);
  }
  out += '}';
  if (!message.reply.empty() && !delivery) {
    out += ",\"replyTo\":";
    append_json_string(out, message.reply);
  }
  if (delivery) {
    out += ",\"delivery\":{\"stream\":";
    append_json_string(out, delivery->stream);
    out += ",\"consumer\":";
    append_json_string(out, delivery->consumer);
    auto number = [&out](std::string_view name, uint64_t value) {
      char digits[20];
      out += name;
      out.append(digits, std::to_chars(digits, digits + sizeof(digits), value).ptr);
    };
    number(",\"streamSequence\":", delivery->stream_sequence);
    number(",\"consumerSequence\":", delivery->consumer_sequence);
    number(",\"attempt\":", delivery->delivered);
    number(",\"pending\":", delivery->pending);
    out += ",\"timestamp\":";
    append_json_string(out, format_rfc3339(std::chrono::system_clock::time_point(
                                std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                    std::chrono::nanoseconds(delivery->timestamp_ns)))));
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace pd::server
