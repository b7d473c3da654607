// The one place that calls yaml-cpp's parser: converts its exceptions into values with a position,
// exposes node positions as 1-based SourcePos, and converts YAML values to JSON (YAML 1.2 core
// schema: plain `true`, `42`, `1.5`, `null` become typed values; quoted scalars stay strings).
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/util/diagnostic.h"
#include "engine/util/status.h"

namespace pd {

// A parsed YAML document, or the syntax error and where it is.
struct YamlParse {
  YAML::Node root;
  bool ok = true;
  SourcePos error_pos;
  std::string error_message;
};

// Parses exactly one YAML document. A file with several documents (`---`) is an error,
// so that nothing after the first one is silently ignored.
YamlParse parse_yaml(const std::string& text);

// The 1-based position of a node as parsed (0:0 for nodes built in code).
SourcePos yaml_pos(const YAML::Node& node);

// True for a scalar written without quotes (its type comes from the core schema).
bool yaml_is_plain(const YAML::Node& node);

// The scalar as JSON per the core schema; maps keep their key order.
nlohmann::ordered_json yaml_to_json(const YAML::Node& node);

// JSON as a block-style YAML document; strings that would read back as another type are quoted.
std::string json_to_yaml(const nlohmann::ordered_json& value);

}  // namespace pd
