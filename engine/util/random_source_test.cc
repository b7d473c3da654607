// UUIDs as crypto.randomUUID writes them, the buffered CSPRNG across refills, and a seeded
// source that repeats itself.
#include "engine/util/random_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <vector>

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

void expect_well_formed_distinct_ids(RandomSource& random, int count) {
  std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < count; ++i) {
    std::string id = random_uuid(random);
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(count));
}

TEST(Uuid, SystemRandomGivesWellFormedDistinctIds) {
  SystemRandom random;
  expect_well_formed_distinct_ids(random, 100);
}

// 1,000 ids use four blocks of 4 KiB: across a refill nothing repeats either.
TEST(Uuid, BufferedSystemRandomGivesWellFormedDistinctIdsAcrossRefills) {
  BufferedSystemRandom random;
  expect_well_formed_distinct_ids(random, 1000);
  // Sizes that straddle a block, and one larger than a block, are filled too.
  std::vector<uint8_t> odd(4000), large(10000);
  random.fill(odd.data(), odd.size());
  random.fill(large.data(), large.size());
  EXPECT_NE(std::count(large.begin(), large.end(), 0), static_cast<long>(large.size()));
  EXPECT_NE(std::count(odd.begin(), odd.end(), 0), static_cast<long>(odd.size()));
}

TEST(Uuid, ASeededSourceRepeatsItsIds) {
  SeededRandom first(42), second(42);
  EXPECT_EQ(random_uuid(first), random_uuid(second));
}

}  // namespace
}  // namespace pd
