#include "engine/util/suggest.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(Suggest, EditDistanceCountsTranspositionsAsOne) {
  EXPECT_EQ(edit_distance("egdes", "edges"), 1);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("", "abc"), 3);
}

TEST(Suggest, ClosestMatchOnlySuggestsLikelyTypos) {
  std::vector<std::string> keys = {"name", "version", "triggers", "nodes", "edges"};
  EXPECT_EQ(closest_match("egdes", keys), "edges");
  EXPECT_EQ(closest_match("trigger", keys), "triggers");
  EXPECT_EQ(closest_match("verison", keys), "version");
  EXPECT_EQ(closest_match("owner", keys), std::nullopt);
  EXPECT_EQ(closest_match("x", keys), std::nullopt);
}

}  // namespace
}  // namespace pd
