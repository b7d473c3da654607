// YAML <-> JSON: a parsed YAML tree to JSON by the YAML 1.2 core schema (plain `true`, `42`,
// `1.5`, `null` become typed values; quoted scalars stay strings), and JSON to block-style YAML
// (emitted with yaml-cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/util/yaml_tree.h"

namespace pd {

// The scalar as JSON per the core schema; maps keep their key order.
nlohmann::ordered_json yaml_to_json(const YamlNode& node);

// JSON as a block-style YAML document; strings that would read back as another type are quoted.
std::string json_to_yaml(const nlohmann::ordered_json& value);

}  // namespace pd
