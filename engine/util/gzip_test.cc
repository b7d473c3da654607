#include "engine/util/gzip.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(Gzip, RoundTripsAndCompressesRepetitiveText) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "{\"row\": " + std::to_string(i) + "}\n";
  std::string packed = gzip_compress(text);
  EXPECT_LT(packed.size(), text.size() / 5);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // the gzip magic, so `gunzip` reads it
  EXPECT_EQ(gzip_decompress(packed).value(), text);
  EXPECT_EQ(gzip_decompress(gzip_compress("")).value(), "");
}

TEST(Gzip, RejectsCorruptTruncatedAndOversizedData) {
  std::string packed = gzip_compress(std::string(100000, 'a'));
  EXPECT_EQ(gzip_decompress("plain text").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(gzip_decompress(packed.substr(0, packed.size() / 2)).status().code(),
            StatusCode::kInvalidArgument);
  Result<std::string> bomb = gzip_decompress(packed, 1000);
  EXPECT_EQ(bomb.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(bomb.status().message(), "gzip data expands to more than 1000 bytes");
}

}  // namespace
}  // namespace pd
