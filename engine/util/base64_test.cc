#include "engine/util/base64.h"

#include <gtest/gtest.h>

#include <vector>

namespace pd {
namespace {

TEST(Base64, RoundTripsWithPadding) {
  for (const std::string& raw :
       std::vector<std::string>{"", "b", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(base64_decode(base64_encode(raw)), raw);
  }
  EXPECT_EQ(base64_encode("b"), "Yg==");
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
}

TEST(Base64, RejectsInvalidText) {
  EXPECT_EQ(base64_decode("Yg="), std::nullopt);
  EXPECT_EQ(base64_decode("Y!=="), std::nullopt);
  EXPECT_EQ(base64_decode("Yg==Yg=="), std::nullopt);
}

}  // namespace
}  // namespace pd
