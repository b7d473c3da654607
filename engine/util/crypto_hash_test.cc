#include "engine/util/crypto_hash.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(CryptoHash, DigestsMatchKnownVectors) {
  EXPECT_EQ(to_hex(digest(HashAlgorithm::kSha1, "abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(digest(HashAlgorithm::kSha384, "")).substr(0, 16), "38b060a751ac9638");
  EXPECT_EQ(to_hex(digest(HashAlgorithm::kSha512, "")).substr(0, 16), "cf83e1357eefb8bd");
}

TEST(CryptoHash, HmacMatchesRfc4231) {
  // RFC 4231 test case 2.
  EXPECT_EQ(to_hex(hmac(HashAlgorithm::kSha256, "Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoHash, ParsesAlgorithmNamesAsWebCryptoWritesThem) {
  EXPECT_EQ(parse_hash_algorithm("SHA-256"), HashAlgorithm::kSha256);
  EXPECT_EQ(parse_hash_algorithm("sha1"), HashAlgorithm::kSha1);
  EXPECT_EQ(parse_hash_algorithm("MD5"), std::nullopt);
}

TEST(CryptoHash, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace pd
