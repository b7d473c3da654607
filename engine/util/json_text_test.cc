#include "engine/util/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pd {
namespace {

std::string pretty(std::string_view compact, int depth = 0) {
  std::string out;
  append_pretty_json(out, compact, depth);
  return out;
}

TEST(PrettyJson, LaysOutLikeJsonStringifyWithTwoSpaces) {
  EXPECT_EQ(pretty(R"({"b":1,"a":[true,null,{}],"c":{"d":[]}})"),
            "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    null,\n    {}\n  ],\n  \"c\": {\n    "
            "\"d\": []\n  }\n}");
}

TEST(PrettyJson, LeavesStringsAlone) {
  EXPECT_EQ(pretty(R"({"k,{":"a:\"b\",[c]\\"})"), "{\n  \"k,{\": \"a:\\\"b\\\",[c]\\\\\"\n}");
  EXPECT_EQ(pretty(R"("x")"), R"("x")");
  EXPECT_EQ(pretty("42"), "42");
}

TEST(PrettyJson, MatchesNlohmannsIndentedDumpForTheSameKeys) {
  nlohmann::json value = nlohmann::json::parse(R"({"a":{"b":[1,2.5,"x"],"c":{}},"d":[[]]})");
  EXPECT_EQ(pretty(value.dump()), value.dump(2));
}

TEST(PrettyJson, ContinuesAtTheGivenDepth) {
  EXPECT_EQ(pretty(R"({"n":1})", 2), "{\n      \"n\": 1\n    }");
}

}  // namespace
}  // namespace pd
