#include "tests/nats_credentials.h"

#include <openssl/evp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "engine/util/base64.h"
#include "engine/util/crypto_hash.h"

namespace pd::testing {
namespace {

// nkeys: one prefix byte per key type; seeds start with 'S' and then the type.
constexpr uint8_t kOperatorPrefix = 14 << 3;  // 'O'
constexpr uint8_t kAccountPrefix = 0;         // 'A'
constexpr uint8_t kUserPrefix = 20 << 3;      // 'U'
constexpr uint8_t kSeedPrefix = 18 << 3;      // 'S'

uint16_t crc16_xmodem(std::string_view data) {
  uint16_t crc = 0;
  for (unsigned char byte : data) {
    crc ^= static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

// RFC 4648 base32 without padding, as nkeys and JWT ids are written.
std::string base32(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::string base64url(std::string_view data) {
  std::string out = base64_encode(data);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out.substr(0, out.find('='));
}

std::string with_crc(std::string raw) {
  uint16_t crc = crc16_xmodem(raw);
  raw += static_cast<char>(crc & 0xFF);
  raw += static_cast<char>(crc >> 8);
  return raw;
}

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

class NKey {
 public:
  explicit NKey(uint8_t prefix) : prefix_(prefix) {
    EVP_PKEY* made = nullptr;
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &made) <= 0) {
      throw std::runtime_error("Ed25519 key generation failed");
    }
    key_.reset(made);
  }
  std::string public_key() const {
    return base32(with_crc(std::string(1, static_cast<char>(prefix_)) + raw(false)));
  }
  std::string seed() const {
    std::string head{static_cast<char>(kSeedPrefix | (prefix_ >> 5)),
                     static_cast<char>((prefix_ & 31) << 3)};
    return base32(with_crc(head + raw(true)));
  }
  std::string sign(std::string_view data) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::string signature(64, '\0');
    size_t length = signature.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) <= 0 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) <= 0) {
      throw std::runtime_error("Ed25519 signing failed");
    }
    return signature;
  }

 private:
  std::string raw(bool private_part) const {
    std::string out(32, '\0');
    size_t length = out.size();
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    int ok = private_part ? EVP_PKEY_get_raw_private_key(key_.get(), bytes, &length)
                          : EVP_PKEY_get_raw_public_key(key_.get(), bytes, &length);
    if (ok <= 0) throw std::runtime_error("Ed25519 raw key export failed");
    return out;
  }

  uint8_t prefix_;
  std::unique_ptr<EVP_PKEY, KeyDeleter> key_;
};

// A JWT for `subject`'s claims, issued (signed) by `issuer`. Its id is the hash of the claims.
std::string jwt(const NKey& issuer, const std::string& subject, const std::string& name,
                nlohmann::json nats) {
  nlohmann::json claims = {{"iss", issuer.public_key()},
                           {"sub", subject},
                           {"name", name},
                           {"iat", std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count()},
                           {"jti", ""},
                           {"nats", std::move(nats)}};
  claims["jti"] = base32(digest(HashAlgorithm::kSha256, claims.dump()));
  std::string signed_part =
      base64url(R"({"typ":"JWT","alg":"ed25519-nkey"})") + "." + base64url(claims.dump());
  return signed_part + "." + base64url(issuer.sign(signed_part));
}

nlohmann::json unlimited(bool jetstream) {
  nlohmann::json limits = {{"subs", -1},    {"data", -1}, {"payload", -1}, {"imports", -1},
                           {"exports", -1}, {"conn", -1}, {"leaf", -1},    {"wildcards", true}};
  if (jetstream) {
    limits.update({{"mem_storage", -1}, {"disk_storage", -1}, {"streams", -1}, {"consumer", -1}});
  }
  return limits;
}

}  // namespace

NatsCredentials make_nats_credentials() {
  NKey op(kOperatorPrefix);
  NKey system(kAccountPrefix);
  NKey account(kAccountPrefix);
  NKey user(kUserPrefix);
  std::string operator_jwt =
      jwt(op, op.public_key(), "pd-test-operator", {{"type", "operator"}, {"version", 2}});
  std::string system_jwt = jwt(op, system.public_key(), "SYS",
                               {{"type", "account"}, {"version", 2}, {"limits", unlimited(false)}});
  std::string account_jwt = jwt(op, account.public_key(), "pd-test",
                                {{"type", "account"}, {"version", 2}, {"limits", unlimited(true)}});
  std::string user_jwt = jwt(account, user.public_key(), "engine",
                             {{"type", "user"},
                              {"version", 2},
                              {"pub", nlohmann::json::object()},
                              {"sub", nlohmann::json::object()},
                              {"subs", -1},
                              {"data", -1},
                              {"payload", -1}});
  NatsCredentials out;
  out.server_config = "operator: \"" + operator_jwt + "\"\nsystem_account: " + system.public_key() +
                      "\nresolver: MEMORY\nresolver_preload: {\n  " + system.public_key() + ": \"" +
                      system_jwt + "\"\n  " + account.public_key() + ": \"" + account_jwt +
                      "\"\n}\n";
  out.user_seed = user.seed();
  out.user_creds = "-----BEGIN NATS USER JWT-----\n" + user_jwt +
                   "\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n" +
                   out.user_seed + "\n------END USER NKEY SEED------\n";
  return out;
}

}  // namespace pd::testing
