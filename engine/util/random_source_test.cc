// UUIDs as crypto.randomUUID writes them, and a seeded source that repeats itself.
#include "engine/util/random_source.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace pd {
namespace {

TEST(Uuid, SetsTheVersionAndVariantBitsAndWritesLowercaseHexInFiveGroups) {
  const uint8_t ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(uuid_v4(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  const uint8_t counting[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
  EXPECT_EQ(uuid_v4(counting), "00010203-0405-4607-8809-0a0b0c0d0e0f");
}

TEST(Uuid, SystemRandomGivesWellFormedDistinctIds) {
  SystemRandom random;
  std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = random_uuid(random);
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Uuid, ASeededSourceRepeatsItsIds) {
  SeededRandom first(42), second(42);
  EXPECT_EQ(random_uuid(first), random_uuid(second));
}

}  // namespace
}  // namespace pd
