#include "engine/spec/yaml_fields.h"

#include <map>
#include <regex>

#include "engine/util/suggest.h"
#include "engine/util/yaml_adapter.h"

namespace pd::spec {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string in_field(std::string_view where) {
  return where.empty() ? std::string() : " in `" + std::string(where) + "`";
}

}  // namespace

std::string field_path(std::string_view where, std::string_view key) {
  if (where.empty()) return std::string(key);
  return std::string(where) + "." + std::string(key);
}

std::string describe_yaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      return "\"" + node.Scalar() + "\"";
  }
  return "something else";
}

bool FieldReader::check_map_keys(const YAML::Node& node, std::string_view where,
                                 const std::vector<std::string>* allowed) {
  std::map<std::string, SourcePos> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    SourcePos pos = yaml_pos(key);
    if (!key.IsScalar()) {
      error(pos, "expected a plain key" + in_field(where) + ", got " + describe_yaml(key));
      continue;
    }
    const std::string& name = key.Scalar();
    auto [it, inserted] = seen.emplace(name, pos);
    if (!inserted) {
      error(pos, "duplicate key `" + name + "`" + in_field(where) + " (first defined at line " +
                     std::to_string(it->second.line) +
                     "); YAML would keep only one of them — remove or rename one");
      continue;
    }
    if (allowed == nullptr) continue;
    bool known = false;
    for (const std::string& candidate : *allowed) known = known || candidate == name;
    if (known) continue;
    std::optional<std::string> suggestion = closest_match(name, *allowed);
    if (suggestion) {
      error(pos, "unknown key `" + name + "`" + in_field(where) + " — did you mean `" +
                     *suggestion + "`?");
    } else {
      error(pos, "unknown key `" + name + "`" + in_field(where) +
                     "; expected one of: " + join(*allowed, ", "));
    }
  }
  return true;
}

bool FieldReader::expect_map(const YAML::Node& node, std::string_view where, std::string_view what,
                             const std::vector<std::string>& allowed) {
  if (!node.IsMap()) {
    error(yaml_pos(node), "`" + std::string(where) + "`: expected " + std::string(what) + ", got " +
                              describe_yaml(node));
    return false;
  }
  return check_map_keys(node, where, &allowed);
}

bool FieldReader::expect_open_map(const YAML::Node& node, std::string_view where,
                                  std::string_view what) {
  if (!node.IsMap()) {
    error(yaml_pos(node), "`" + std::string(where) + "`: expected " + std::string(what) + ", got " +
                              describe_yaml(node));
    return false;
  }
  return check_map_keys(node, where, nullptr);
}

YAML::Node FieldReader::get(const YAML::Node& map, std::string_view key, std::string_view where,
                            Presence presence, std::string_view expected) {
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  if (presence == Presence::kRequired) {
    std::string prefix = where.empty() ? "" : "`" + std::string(where) + "`: ";
    error(yaml_pos(map), prefix + "missing required key `" + std::string(key) + "` (" +
                             std::string(expected) + ")");
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::optional<Scalar> FieldReader::scalar(const YAML::Node& map, std::string_view key,
                                          std::string_view where, Presence presence,
                                          std::string_view expected) {
  YAML::Node value = get(map, key, where, presence, expected);
  if (!value.IsDefined()) return std::nullopt;
  std::string field = field_path(where, key);
  if (!value.IsScalar() || value.Scalar().empty()) {
    error(value.IsNull() ? yaml_pos(map) : yaml_pos(value),
          "`" + field + "`: expected " + std::string(expected) + ", got " + describe_yaml(value));
    return std::nullopt;
  }
  return Scalar{value.Scalar(), yaml_pos(value), yaml_is_plain(value)};
}

std::optional<long long> FieldReader::integer(const YAML::Node& map, std::string_view key,
                                              std::string_view where, Presence presence,
                                              long long min, long long max) {
  std::string range = max == std::numeric_limits<long long>::max()
                          ? "an integer >= " + std::to_string(min)
                          : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::optional<Scalar> value = scalar(map, key, where, presence, range);
  if (!value) return std::nullopt;
  static const std::regex kInteger("^[-+]?[0-9]{1,18}$");
  std::string field = field_path(where, key);
  if (!value->plain || !std::regex_match(value->text, kInteger)) {
    error(value->pos, "`" + field + "`: expected " + range + ", got \"" + value->text + "\"");
    return std::nullopt;
  }
  long long number = std::stoll(value->text);
  if (number < min || number > max) {
    error(value->pos, "`" + field + "`: expected " + range + ", got " + value->text);
    return std::nullopt;
  }
  return number;
}

std::optional<double> FieldReader::positive_number(const YAML::Node& map, std::string_view key,
                                                   std::string_view where, Presence presence) {
  std::optional<Scalar> value = scalar(map, key, where, presence, "a number > 0");
  if (!value) return std::nullopt;
  nlohmann::ordered_json parsed = yaml_to_json(map[std::string(key)]);
  if (!parsed.is_number() || parsed.get<double>() <= 0) {
    error(value->pos,
          "`" + field_path(where, key) + "`: expected a number > 0, got \"" + value->text + "\"");
    return std::nullopt;
  }
  return parsed.get<double>();
}

std::optional<bool> FieldReader::boolean(const YAML::Node& map, std::string_view key,
                                         std::string_view where, Presence presence) {
  std::optional<Scalar> value = scalar(map, key, where, presence, "true or false");
  if (!value) return std::nullopt;
  if (value->plain && value->text == "true") return true;
  if (value->plain && value->text == "false") return false;
  error(value->pos,
        "`" + field_path(where, key) + "`: expected true or false, got \"" + value->text + "\"");
  return std::nullopt;
}

std::optional<Scalar> FieldReader::choice(const YAML::Node& map, std::string_view key,
                                          std::string_view where, Presence presence,
                                          const std::vector<std::string>& choices) {
  std::string expected = "one of " + join(choices, ", ");
  std::optional<Scalar> value = scalar(map, key, where, presence, expected);
  if (!value) return std::nullopt;
  for (const std::string& candidate : choices) {
    if (candidate == value->text) return value;
  }
  std::string message = "`" + field_path(where, key) + "`: unknown value \"" + value->text + "\"";
  std::optional<std::string> suggestion = closest_match(value->text, choices);
  message += suggestion ? " — did you mean \"" + *suggestion + "\"?" : "; expected " + expected;
  error(value->pos, message);
  return std::nullopt;
}

std::vector<Scalar> FieldReader::string_list(const YAML::Node& map, std::string_view key,
                                             std::string_view where, std::string_view expected) {
  std::vector<Scalar> items;
  YAML::Node value = get(map, key, where, Presence::kOptional, expected);
  if (!value.IsDefined()) return items;
  std::string field = field_path(where, key);
  if (value.IsScalar()) {
    items.push_back({value.Scalar(), yaml_pos(value), yaml_is_plain(value)});
    return items;
  }
  if (!value.IsSequence()) {
    error(yaml_pos(value),
          "`" + field + "`: expected " + std::string(expected) + ", got " + describe_yaml(value));
    return items;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const YAML::Node& item = value[i];
    if (!item.IsScalar()) {
      error(yaml_pos(item), "`" + field + "[" + std::to_string(i) + "]`: expected " +
                                std::string(expected) + ", got " + describe_yaml(item));
      continue;
    }
    items.push_back({item.Scalar(), yaml_pos(item), yaml_is_plain(item)});
  }
  return items;
}

}  // namespace pd::spec
