#include "engine/util/text.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(Text, SplitKeepsEmptyParts) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
  EXPECT_EQ(split("x,", ','), (std::vector<std::string>{"x", ""}));
}

}  // namespace
TEST(Text, EqualsIgnoringCaseComparesWholeStrings) {
  EXPECT_TRUE(equals_ignoring_case("Content-Type", "content-type"));
  EXPECT_FALSE(equals_ignoring_case("Content-Type", "content-typ"));
  EXPECT_TRUE(equals_ignoring_case("", ""));
}

}  // namespace pd
