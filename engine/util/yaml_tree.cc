#include "engine/util/yaml_tree.h"

#include <yaml.h>

#include <map>
#include <memory>

namespace pd {

const YamlNode& YamlNode::undefined() {
  static const YamlNode kUndefinedNode;
  return kUndefinedNode;
}

const YamlNode& YamlNode::operator[](size_t index) const {
  return index < items_.size() ? items_[index] : undefined();
}

const YamlNode& YamlNode::operator[](std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k.is_scalar() && k.scalar() == key) return v;
  }
  return undefined();
}

// Builds the tree from libyaml's event stream.
class YamlTreeBuilder {
 public:
  YamlTreeBuilder(YamlParse& result, std::vector<YamlNode>* stream)
      : result_(result), stream_(stream) {}

  // Returns false (with the error recorded) to stop parsing.
  bool on_event(const yaml_event_t& event) {
    SourcePos pos{static_cast<int>(event.start_mark.line) + 1,
                  static_cast<int>(event.start_mark.column) + 1};
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > 1 && stream_ == nullptr) {
          return fail(pos,
                      "found a second YAML document, expected one; remove the extra `---` "
                      "separator and what follows it, or move it to its own file");
        }
        return true;
      case YAML_DOCUMENT_END_EVENT:
        if (stream_ != nullptr) {
          stream_->push_back(std::move(result_.root));
          result_.root = YamlNode();
          anchors_.clear();
        }
        return true;
      case YAML_SCALAR_EVENT:
        return attach(scalar_node(event, pos), anchor_of(event.data.scalar.anchor));
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(reinterpret_cast<const char*>(event.data.alias.anchor));
        if (it == anchors_.end()) {
          return fail(pos, std::string("unknown alias *") +
                               reinterpret_cast<const char*>(event.data.alias.anchor));
        }
        return attach(it->second, "");
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        YamlNode node;
        node.kind_ = event.type == YAML_MAPPING_START_EVENT ? YamlNode::Kind::kMap
                                                            : YamlNode::Kind::kSequence;
        node.pos_ = pos;
        const yaml_char_t* anchor = event.type == YAML_MAPPING_START_EVENT
                                        ? event.data.mapping_start.anchor
                                        : event.data.sequence_start.anchor;
        YamlNode* placed = place(std::move(node));
        open_.push_back({placed, true, anchor_of(anchor)});
        return true;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Open closed = open_.back();
        open_.pop_back();
        if (!closed.anchor.empty()) anchors_[closed.anchor] = *closed.node;
        return true;
      }
      default:
        return true;
    }
  }

  bool fail(SourcePos pos, std::string message) {
    result_.ok = false;
    result_.error_pos = pos;
    result_.error_message = std::move(message);
    return false;
  }

 private:
  struct Open {
    YamlNode* node;
    bool expect_key;  // maps only: the next node is a key
    std::string anchor;
  };

  static std::string anchor_of(const yaml_char_t* anchor) {
    return anchor ? reinterpret_cast<const char*>(anchor) : "";
  }

  static YamlNode scalar_node(const yaml_event_t& event, SourcePos pos) {
    YamlNode node;
    node.pos_ = pos;
    node.scalar_.assign(reinterpret_cast<const char*>(event.data.scalar.value),
                        event.data.scalar.length);
    node.plain_ =
        event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && event.data.scalar.tag == nullptr;
    const std::string& s = node.scalar_;
    bool null = node.plain_ && (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL");
    node.kind_ = null ? YamlNode::Kind::kNull : YamlNode::Kind::kScalar;
    return node;
  }

  // Adds `node` where the open container expects it (or as the root); returns where it lives.
  // Pointers stay valid while the node is open: its parent gains no children until it closes.
  YamlNode* place(YamlNode node) {
    if (open_.empty()) {
      result_.root = std::move(node);
      return &result_.root;
    }
    Open& parent = open_.back();
    if (parent.node->is_sequence()) {
      parent.node->items_.push_back(std::move(node));
      return &parent.node->items_.back();
    }
    if (parent.expect_key) {
      parent.expect_key = false;
      parent.node->entries_.push_back({std::move(node), YamlNode()});
      return &parent.node->entries_.back().first;
    }
    parent.expect_key = true;
    parent.node->entries_.back().second = std::move(node);
    return &parent.node->entries_.back().second;
  }

  bool attach(const YamlNode& node, const std::string& anchor) {
    YamlNode* placed = place(node);
    if (!anchor.empty()) anchors_[anchor] = *placed;
    return true;
  }

  YamlParse& result_;
  std::vector<YamlNode>* stream_;  // collects documents when parsing a stream
  std::vector<Open> open_;
  std::map<std::string, YamlNode> anchors_;
  int documents_ = 0;
};

namespace {

// Runs libyaml over `text`, feeding the builder; errors land in `result`.
void run_parser(std::string_view text, YamlParse& result, std::vector<YamlNode>* stream) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    result.ok = false;
    result.error_message = "invalid YAML: out of memory";
    return;
  }
  std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> guard(&parser, yaml_parser_delete);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  YamlTreeBuilder builder(result, stream);
  while (true) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      std::string message =
          std::string("invalid YAML: ") + (parser.problem ? parser.problem : "syntax error");
      if (parser.context) {
        message += std::string(" ") + parser.context + " that starts at line " +
                   std::to_string(parser.context_mark.line + 1);
      }
      builder.fail({static_cast<int>(parser.problem_mark.line) + 1,
                    static_cast<int>(parser.problem_mark.column) + 1},
                   message);
      break;
    }
    bool keep_going = builder.on_event(event);
    bool end = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    if (!keep_going || end) break;
  }
  if (!result.ok) result.root = YamlNode();
}

}  // namespace

YamlParse parse_yaml(std::string_view text) {
  YamlParse result;
  run_parser(text, result, nullptr);
  return result;
}

YamlStream parse_yaml_stream(std::string_view text) {
  YamlParse result;
  YamlStream stream;
  run_parser(text, result, &stream.documents);
  stream.ok = result.ok;
  stream.error_pos = result.error_pos;
  stream.error_message = result.error_message;
  return stream;
}

}  // namespace pd
