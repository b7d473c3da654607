// Validation of queue messages against a trigger's `schema:` (a JSON Schema file in the workflow
// folder). Supported: type, enum, const, required, properties, additionalProperties, items,
// min/maxItems, min/maxLength, pattern, minimum, maximum, exclusiveMinimum/Maximum, allOf, anyOf,
// oneOf, not, and local $ref (#/$defs/…, #/definitions/…). Other keywords are ignored, as the
// specification allows for unknown ones. Errors name the path: `$.order.id: is required`.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/util/status.h"

namespace pd::server {

class SchemaValidator {
 public:
  // Errors name the file and what is wrong (unreadable, not JSON, not an object).
  static Result<SchemaValidator> load(const std::filesystem::path& file);
  explicit SchemaValidator(nlohmann::json schema) : schema_(std::move(schema)) {}

  // InvalidArgument with the first violation.
  Status validate(const nlohmann::json& value) const;

 private:
  std::string check(const nlohmann::json& schema, const nlohmann::json& value,
                    const std::string& path, int depth) const;
  nlohmann::json schema_;
};

}  // namespace pd::server
