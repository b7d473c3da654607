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

std::string describe_yaml(const YamlNode& node) {
  switch (node.kind()) {
    case YamlNode::Kind::kNull:
    case YamlNode::Kind::kUndefined:
      return "nothing";
    case YamlNode::Kind::kSequence:
      return "a list";
    case YamlNode::Kind::kMap:
      return "a map";
    case YamlNode::Kind::kScalar:
      return "\"" + node.scalar() + "\"";
  }
  return "something else";
}

bool FieldReader::check_map_keys(const YamlNode& node, std::string_view where,
                                 const std::vector<std::string>* allowed) {
  std::map<std::string, SourcePos> seen;
  for (const auto& entry : node.entries()) {
    const YamlNode& key = entry.first;
    SourcePos pos = (key).pos();
    if (!key.is_scalar()) {
      error(pos, "expected a plain key" + in_field(where) + ", got " + describe_yaml(key));
      continue;
    }
    const std::string& name = key.scalar();
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

bool FieldReader::expect_map(const YamlNode& node, std::string_view where, std::string_view what,
                             const std::vector<std::string>& allowed) {
  if (!node.is_map()) {
    error((node).pos(), "`" + std::string(where) + "`: expected " + std::string(what) + ", got " +
                            describe_yaml(node));
    return false;
  }
  return check_map_keys(node, where, &allowed);
}

bool FieldReader::expect_open_map(const YamlNode& node, std::string_view where,
                                  std::string_view what) {
  if (!node.is_map()) {
    error((node).pos(), "`" + std::string(where) + "`: expected " + std::string(what) + ", got " +
                            describe_yaml(node));
    return false;
  }
  return check_map_keys(node, where, nullptr);
}

const YamlNode& FieldReader::get(const YamlNode& map, std::string_view key, std::string_view where,
                                 Presence presence, std::string_view expected) {
  for (const auto& entry : map.entries()) {
    if (entry.first.is_scalar() && entry.first.scalar() == key) return entry.second;
  }
  if (presence == Presence::kRequired) {
    std::string prefix = where.empty() ? "" : "`" + std::string(where) + "`: ";
    error((map).pos(), prefix + "missing required key `" + std::string(key) + "` (" +
                           std::string(expected) + ")");
  }
  return YamlNode::undefined();
}

std::optional<Scalar> FieldReader::scalar(const YamlNode& map, std::string_view key,
                                          std::string_view where, Presence presence,
                                          std::string_view expected) {
  const YamlNode& value = get(map, key, where, presence, expected);
  if (!value.is_defined()) return std::nullopt;
  std::string field = field_path(where, key);
  if (!value.is_scalar() || value.scalar().empty()) {
    error(value.is_null() ? (map).pos() : (value).pos(),
          "`" + field + "`: expected " + std::string(expected) + ", got " + describe_yaml(value));
    return std::nullopt;
  }
  return Scalar{value.scalar(), (value).pos(), value.is_plain()};
}

std::optional<long long> FieldReader::integer(const YamlNode& map, std::string_view key,
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

std::optional<double> FieldReader::positive_number(const YamlNode& map, std::string_view key,
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

std::optional<bool> FieldReader::boolean(const YamlNode& map, std::string_view key,
                                         std::string_view where, Presence presence) {
  std::optional<Scalar> value = scalar(map, key, where, presence, "true or false");
  if (!value) return std::nullopt;
  if (value->plain && value->text == "true") return true;
  if (value->plain && value->text == "false") return false;
  error(value->pos,
        "`" + field_path(where, key) + "`: expected true or false, got \"" + value->text + "\"");
  return std::nullopt;
}

std::optional<Scalar> FieldReader::choice(const YamlNode& map, std::string_view key,
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

std::vector<Scalar> FieldReader::string_list(const YamlNode& map, std::string_view key,
                                             std::string_view where, std::string_view expected) {
  std::vector<Scalar> items;
  const YamlNode& value = get(map, key, where, Presence::kOptional, expected);
  if (!value.is_defined()) return items;
  std::string field = field_path(where, key);
  if (value.is_scalar()) {
    items.push_back({value.scalar(), (value).pos(), value.is_plain()});
    return items;
  }
  if (!value.is_sequence()) {
    error((value).pos(),
          "`" + field + "`: expected " + std::string(expected) + ", got " + describe_yaml(value));
    return items;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const YamlNode& item = value[i];
    if (!item.is_scalar()) {
      error((item).pos(), "`" + field + "[" + std::to_string(i) + "]`: expected " +
                              std::string(expected) + ", got " + describe_yaml(item));
      continue;
    }
    items.push_back({item.scalar(), (item).pos(), item.is_plain()});
  }
  return items;
}

}  // namespace pd::spec
