#include "engine/util/yaml_adapter.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(YamlAdapter, ConvertsPlainScalarsByTheCoreSchemaAndKeepsQuotedOnesAsStrings) {
  YamlParse parsed = parse_yaml(
      "a: 1\nb: -2.5\nc: true\nd: null\ne: ~\nf: \"1\"\ng: text\nh: 0x1F\ni: [1, x]\nj: {k: "
      "False}\nk: 99999999999999999999\nl: !!str 12\nm:\n");
  ASSERT_TRUE(parsed.ok) << parsed.error_message;
  EXPECT_EQ(yaml_to_json(parsed.root).dump(),
            R"({"a":1,"b":-2.5,"c":true,"d":null,"e":null,"f":"1","g":"text","h":31,)"
            R"("i":[1,"x"],"j":{"k":false},"k":1e+20,"l":"12","m":null})");
}

TEST(YamlAdapter, JsonToYamlQuotesStringsThatWouldChangeType) {
  nlohmann::ordered_json value = {{"version", "1.0"},
                                  {"flag", "true"},
                                  {"n", 3},
                                  {"empty", nlohmann::ordered_json::array()},
                                  {"s", "text"}};
  EXPECT_EQ(json_to_yaml(value), "version: \"1.0\"\nflag: \"true\"\nn: 3\nempty: []\ns: text\n");
}

}  // namespace
}  // namespace pd
