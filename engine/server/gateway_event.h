// What a verified webhook becomes in gateway mode: a NATS message on the subject the trigger's
// `publish` template names — `{header:X-GitHub-Event}` is replaced by that header's value, made
// safe for a subject token — carrying the body unchanged and the request's Content-Type and X-*
// headers (not the signature), with a message id for JetStream de-duplication: the delivery id
// (X-GitHub-Delivery, X-Delivery-Id, X-Request-Id, Idempotency-Key), else the body's SHA-256.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "engine/nats/nats_client.h"

namespace pd::server {

using MessageHeaders = nats::MessageHeaders;

struct GatewayEvent {
  nats::Message message;
  std::string msg_id;
  std::string error;  // set when the template cannot be filled (a 400 for the sender)
};

GatewayEvent gateway_event(const std::string& subject_template, const std::string& body,
                           const std::function<std::optional<std::string>(const std::string&)>& header,
                           const MessageHeaders& request_headers);

}  // namespace pd::server
