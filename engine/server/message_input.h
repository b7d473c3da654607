// What a queue message gives a workflow. The root input follows the message's Content-Type
// header: JSON (application/json, *+json) → the value, text/* → a string, anything else → the
// bytes (a Uint8Array in the node). Without a Content-Type: JSON when the payload parses, else
// {"data": "<text>"} as the old engine did; an object payload without a `trigger` field gets one
// (the trigger's name, else the subject) so existing workflows keep working. ctx.trigger carries
// the subject, headers and delivery metadata.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/nats/nats_client.h"
#include "engine/nats/pull_consumer.h"
#include "engine/util/status.h"

namespace pd::server {

// InvalidArgument naming the parse error when a JSON content type carries something else.
Result<nlohmann::json> message_input(const nats::Message& message, const std::string& trigger_name);

// Whether the Content-Type says JSON (application/json, *+json).
bool has_json_content_type(const nats::Message& message);

// The payload as the JSON text nodes get (their objects then keep the sender's key order), when
// the Content-Type says JSON and the payload is valid JSON; "" otherwise (use message_input).
std::string json_payload_text(const nats::Message& message);

// ctx.trigger as JSON text, keys in this order: {type: "queue", name, subject, headers: {name:
// value} (the first value of each name, in the message's order), replyTo?, delivery?: {stream,
// consumer, streamSequence, consumerSequence, attempt, pending, timestamp}}. Written directly:
// no tree is built per message. Bytes that are not UTF-8 become U+FFFD.
std::string queue_trigger_json(const std::string& trigger_name, const nats::Message& message,
                               const nats::DeliveryInfo* delivery);

}  // namespace pd::server
