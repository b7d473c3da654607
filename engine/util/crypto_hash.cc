#include "engine/util/crypto_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

namespace pd {
namespace {

const EVP_MD* evp_of(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha1:
      return EVP_sha1();
    case HashAlgorithm::kSha256:
      return EVP_sha256();
    case HashAlgorithm::kSha384:
      return EVP_sha384();
    case HashAlgorithm::kSha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

}  // namespace

std::optional<HashAlgorithm> parse_hash_algorithm(std::string_view name) {
  std::string compact;
  for (char c : name) {
    if (c != '-') compact += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (compact == "sha1") return HashAlgorithm::kSha1;
  if (compact == "sha256") return HashAlgorithm::kSha256;
  if (compact == "sha384") return HashAlgorithm::kSha384;
  if (compact == "sha512") return HashAlgorithm::kSha512;
  return std::nullopt;
}

std::string digest(HashAlgorithm algorithm, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out, &length, evp_of(algorithm), nullptr);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string hmac(HashAlgorithm algorithm, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(evp_of(algorithm), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) { return to_hex(digest(HashAlgorithm::kSha256, data)); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace pd
