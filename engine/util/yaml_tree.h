// A YAML document as an immutable tree that keeps each node's position and whether a scalar was
// written plain (unquoted), parsed with libyaml (five times faster than yaml-cpp on large files).
// Plain `~`, `null` and empty values are null nodes; maps keep their entries in file order,
// duplicates included, so that callers can report them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/diagnostic.h"

namespace pd {

class YamlNode {
 public:
  enum class Kind { kUndefined, kNull, kScalar, kSequence, kMap };

  YamlNode() = default;

  // The node returned for missing keys and out-of-range indexes.
  static const YamlNode& undefined();

  Kind kind() const { return kind_; }
  bool is_defined() const { return kind_ != Kind::kUndefined; }
  explicit operator bool() const { return is_defined(); }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_scalar() const { return kind_ == Kind::kScalar; }
  bool is_sequence() const { return kind_ == Kind::kSequence; }
  bool is_map() const { return kind_ == Kind::kMap; }
  // A scalar written without quotes or tag: its type comes from the YAML 1.2 core schema.
  bool is_plain() const { return plain_; }

  const std::string& scalar() const { return scalar_; }
  SourcePos pos() const { return pos_; }

  // Items of a sequence or entries of a map.
  size_t size() const { return is_map() ? entries_.size() : items_.size(); }
  const std::vector<YamlNode>& items() const { return items_; }
  const std::vector<std::pair<YamlNode, YamlNode>>& entries() const { return entries_; }

  // The sequence item at `index`, or undefined().
  const YamlNode& operator[](size_t index) const;
  // The value of the first entry whose key is the scalar `key`, or undefined().
  const YamlNode& operator[](std::string_view key) const;

 private:
  friend class YamlTreeBuilder;

  Kind kind_ = Kind::kUndefined;
  bool plain_ = false;
  std::string scalar_;
  SourcePos pos_;
  std::vector<YamlNode> items_;
  std::vector<std::pair<YamlNode, YamlNode>> entries_;
};

// A parsed YAML document, or the syntax error and where it is.
struct YamlParse {
  YamlNode root;
  bool ok = true;
  SourcePos error_pos;
  std::string error_message;
};

// Parses exactly one YAML document. A second document (`---`) is an error, so that nothing
// after the first one is silently ignored.
YamlParse parse_yaml(std::string_view text);

// Every document of a multi-document stream (manifests separated by `---`).
struct YamlStream {
  std::vector<YamlNode> documents;
  bool ok = true;
  SourcePos error_pos;
  std::string error_message;
};
YamlStream parse_yaml_stream(std::string_view text);

}  // namespace pd
