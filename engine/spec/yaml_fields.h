// Typed reading of YAML maps with diagnostics: every problem (wrong type, missing or unknown or
// duplicate key, value out of range) is recorded with its position and the field's dotted path,
// and reading goes on so that all problems in a file are reported at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/diagnostic.h"
#include "engine/util/yaml_tree.h"

namespace pd::spec {

// A scalar as written, with where it was written.
struct Scalar {
  std::string text;
  SourcePos pos;
  bool plain = false;  // written without quotes
};

enum class Presence { kOptional, kRequired };

// "where" + "." + "key", or just "key" at the top level.
std::string field_path(std::string_view where, std::string_view key);

// How a node is described in "got …" messages: "a list", "a map", "nothing", "\"abc\"".
std::string describe_yaml(const YamlNode& node);

class FieldReader {
 public:
  explicit FieldReader(DiagnosticList& diagnostics) : diagnostics_(diagnostics) {}

  // Checks that `node` is a map whose keys are scalars from `allowed` (with "did you mean"), each
  // once. Reports and returns false when it is not a map. `what` describes the expected map.
  bool expect_map(const YamlNode& node, std::string_view where, std::string_view what,
                  const std::vector<std::string>& allowed);

  // Like expect_map for maps with free keys (e.g. node names); still rejects duplicates.
  bool expect_open_map(const YamlNode& node, std::string_view where, std::string_view what);

  // The value under `key`, or an undefined node (reported when required). `expected` says what
  // the value should be, for the message.
  const YamlNode& get(const YamlNode& map, std::string_view key, std::string_view where,
                      Presence presence, std::string_view expected);

  // A scalar under `key` (maps and lists are reported).
  std::optional<Scalar> scalar(const YamlNode& map, std::string_view key, std::string_view where,
                               Presence presence, std::string_view expected);

  // An integer in [min, max] under `key`.
  std::optional<long long> integer(const YamlNode& map, std::string_view key,
                                   std::string_view where, Presence presence, long long min,
                                   long long max);

  // A number > 0 under `key`.
  std::optional<double> positive_number(const YamlNode& map, std::string_view key,
                                        std::string_view where, Presence presence);

  // A boolean (`true`/`false`) under `key`.
  std::optional<bool> boolean(const YamlNode& map, std::string_view key, std::string_view where,
                              Presence presence);

  // One of `choices` under `key` (with "did you mean").
  std::optional<Scalar> choice(const YamlNode& map, std::string_view key, std::string_view where,
                               Presence presence, const std::vector<std::string>& choices);

  // A scalar or a list of scalars under `key` (a scalar becomes a one-element list).
  std::vector<Scalar> string_list(const YamlNode& map, std::string_view key, std::string_view where,
                                  std::string_view expected);

  void error(SourcePos pos, std::string message) { diagnostics_.error(pos, std::move(message)); }
  void warning(SourcePos pos, std::string message) {
    diagnostics_.warning(pos, std::move(message));
  }

 private:
  bool check_map_keys(const YamlNode& node, std::string_view where,
                      const std::vector<std::string>* allowed);

  DiagnosticList& diagnostics_;
};

}  // namespace pd::spec
