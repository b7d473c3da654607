#include "engine/server/schema_validator.h"

#include <gtest/gtest.h>

namespace pd::server {
namespace {

using Json = nlohmann::json;

TEST(SchemaValidator, NamesThePathOfTheFirstViolation) {
  SchemaValidator order(Json::parse(R"({
    "type": "object", "required": ["id", "items"], "additionalProperties": false,
    "properties": {
      "id": {"type": "string", "pattern": "^ord-[0-9]+$"},
      "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
      "priority": {"enum": ["low", "high"]}
    },
    "$defs": {"item": {"type": "object", "required": ["qty"],
                       "properties": {"qty": {"type": "integer", "minimum": 1}}}}
  })"));
  EXPECT_TRUE(order.validate(Json::parse(R"({"id": "ord-1", "items": [{"qty": 2}]})")).is_ok());
  auto error = [&](const char* text) { return order.validate(Json::parse(text)).message(); };
  EXPECT_EQ(error(R"({"items": [{"qty": 1}]})"), "$.id: is required");
  EXPECT_EQ(error(R"({"id": "x", "items": [{"qty": 1}]})"), "$.id: does not match pattern \"^ord-[0-9]+$\"");
  EXPECT_EQ(error(R"({"id": "ord-1", "items": [{"qty": 0}]})"), "$.items[0].qty: less than minimum 1");
  EXPECT_EQ(error(R"({"id": "ord-1", "items": [{"qty": "2"}]})"), "$.items[0].qty: expected integer, got string");
  EXPECT_EQ(error(R"({"id": "ord-1", "items": []})"), "$.items: has 0 items, fewer than minItems 1");
  EXPECT_EQ(error(R"({"id": "ord-1", "items": [{"qty": 1}], "extra": 1})"),
            "$.extra: is not allowed (additionalProperties: false)");
  EXPECT_EQ(error(R"({"id": "ord-1", "items": [{"qty": 1}], "priority": "mid"})"),
            "$.priority: \"mid\" is not one of [\"low\",\"high\"]");
}

TEST(SchemaValidator, CombinatorsAndBooleanSchemas) {
  SchemaValidator either(Json::parse(R"({"oneOf": [{"type": "string"}, {"type": "integer"}], "not": {"const": 0}})"));
  EXPECT_TRUE(either.validate("a").is_ok());
  EXPECT_TRUE(either.validate(3).is_ok());
  EXPECT_EQ(either.validate(0).message(), "$: must not match the schema under `not`");
  EXPECT_EQ(either.validate(true).message(), "$: matches 0 of oneOf, expected exactly 1");
  EXPECT_EQ(SchemaValidator(false).validate(1).message(), "$: no value is allowed here");
}

}  // namespace
}  // namespace pd::server
