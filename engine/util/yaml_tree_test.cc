#include "engine/util/yaml_tree.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(YamlTree, KeepsPositionsStylesAndEntryOrder) {
  YamlParse parsed = parse_yaml("b: x\na:\n  - 'q'\n  - 1.0\nb: again\n");
  ASSERT_TRUE(parsed.ok) << parsed.error_message;
  const YamlNode& root = parsed.root;
  ASSERT_TRUE(root.is_map());
  ASSERT_EQ(root.size(), 3u);  // the duplicate `b` is kept for callers to report
  EXPECT_EQ(root.entries()[2].first.pos().line, 5);
  EXPECT_EQ(root["b"].scalar(), "x");
  const YamlNode& list = root["a"];
  EXPECT_EQ(list.pos().line, 3);
  EXPECT_EQ(list.pos().column, 3);
  EXPECT_FALSE(list[0].is_plain());
  EXPECT_TRUE(list[1].is_plain());
  EXPECT_EQ(list[1].pos().column, 5);
  EXPECT_FALSE(list[2].is_defined());
  EXPECT_FALSE(root["missing"]);
}

TEST(YamlTree, NullsAreNotScalars) {
  YamlParse parsed = parse_yaml("a:\nb: ~\nc: null\nd: \"\"\n");
  ASSERT_TRUE(parsed.ok);
  EXPECT_TRUE(parsed.root["a"].is_null());
  EXPECT_TRUE(parsed.root["b"].is_null());
  EXPECT_TRUE(parsed.root["c"].is_null());
  EXPECT_TRUE(parsed.root["d"].is_scalar());
}

TEST(YamlTree, ResolvesAnchorsAndAliases) {
  YamlParse parsed = parse_yaml("base: &b {x: 1}\ncopy: *b\nname: &n hi\nagain: *n\n");
  ASSERT_TRUE(parsed.ok) << parsed.error_message;
  EXPECT_EQ(parsed.root["copy"]["x"].scalar(), "1");
  EXPECT_EQ(parsed.root["again"].scalar(), "hi");
}

TEST(YamlTree, ReportsSyntaxErrorsWithPositions) {
  YamlParse parsed = parse_yaml("a: [1, 2\nb: 3\n");
  EXPECT_FALSE(parsed.ok);
  EXPECT_EQ(parsed.error_pos.line, 2);
  EXPECT_EQ(parsed.error_message,
            "invalid YAML: did not find expected ',' or ']' while parsing a flow sequence that "
            "starts at line 1");
}

TEST(YamlTree, RejectsASecondDocument) {
  YamlParse parsed = parse_yaml("a: 1\n---\nb: 2\n");
  EXPECT_FALSE(parsed.ok);
  EXPECT_EQ(parsed.error_pos.line, 2);
  EXPECT_FALSE(parsed.root.is_defined());
}

TEST(YamlTree, EmptyTextIsAnUndefinedRoot) {
  YamlParse parsed = parse_yaml("");
  EXPECT_TRUE(parsed.ok);
  EXPECT_FALSE(parsed.root.is_defined());
}

}  // namespace
}  // namespace pd
