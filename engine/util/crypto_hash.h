// Message digests and HMAC over OpenSSL, for Web Crypto in the JS runtime, webhook signature
// checks and content hashes of deployed code. Inputs and outputs are raw bytes in std::string.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pd {

enum class HashAlgorithm { kSha1, kSha256, kSha384, kSha512 };

// "SHA-256", "sha256", "SHA256" … → the algorithm; nullopt for anything else.
std::optional<HashAlgorithm> parse_hash_algorithm(std::string_view name);

std::string digest(HashAlgorithm algorithm, std::string_view data);
std::string hmac(HashAlgorithm algorithm, std::string_view key, std::string_view data);

// Lowercase hex of the bytes.
std::string to_hex(std::string_view bytes);
std::string sha256_hex(std::string_view data);

// Compares in time that depends only on the lengths (signature checks).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace pd
