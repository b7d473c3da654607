// Webhook signature checks: GitHub's `X-Hub-Signature-256: sha256=<hex>` (verify: github) and the
// same HMAC-SHA256 scheme under `X-Signature-256` (verify: hmac-sha256), over the raw body,
// compared in constant time. No V8, no HTTP types: the server passes header values in.
#pragma once

#include <string>

#include "engine/util/status.h"

namespace pd::server {

// OK when `signature_header` (e.g. "sha256=ab12…") is the HMAC-SHA256 of `body` with `key`;
// PermissionDenied saying what is wrong otherwise (the key never appears in the message).
Status verify_hmac_sha256(const std::string& body, const std::string& key,
                          const std::string& signature_header);

}  // namespace pd::server
