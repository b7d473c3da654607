// Label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) and field
// selectors (`metadata.name`, `metadata.namespace`, `status.phase` with `=`, `==`, `!=`), as the
// API server parses and matches them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"

namespace pd::fake_k8s {

class LabelSelector {
 public:
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kNotExists };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };

  // An empty selector matches everything. InvalidArgument with the API server's wording on bad
  // syntax.
  static Result<LabelSelector> parse(std::string_view text);
  // Matches an object's metadata.labels (a JSON object, or null).
  bool matches(const nlohmann::json& labels) const;
  bool empty() const { return requirements_.empty(); }

 private:
  std::vector<Requirement> requirements_;
};

class FieldSelector {
 public:
  struct Requirement {
    std::string field;
    bool equals;
    std::string value;
  };

  static Result<FieldSelector> parse(std::string_view text);
  bool matches(const nlohmann::json& object) const;

 private:
  std::vector<Requirement> requirements_;
};

}  // namespace pd::fake_k8s
