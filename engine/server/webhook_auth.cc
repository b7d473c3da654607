#include "engine/server/webhook_auth.h"

#include "engine/util/crypto_hash.h"

namespace pd::server {

Status verify_hmac_sha256(const std::string& body, const std::string& key,
                          const std::string& signature_header) {
  if (signature_header.empty()) {
    return Status(StatusCode::kPermissionDenied, "missing signature header");
  }
  std::string given = signature_header;
  if (given.starts_with("sha256=")) given = given.substr(7);
  std::string expected = to_hex(hmac(HashAlgorithm::kSha256, key, body));
  if (!constant_time_equal(given, expected)) {
    return Status(StatusCode::kPermissionDenied, "signature does not match the body");
  }
  return Status();
}

}  // namespace pd::server
