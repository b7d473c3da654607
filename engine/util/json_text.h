// JSON as text without building a tree: re-indenting compact JSON (as JSON.stringify or
// nlohmann's dump() wrote it) the way JSON.stringify(value, null, 2) lays it out, keys in the
// order they are written, writing strings as JSON literals, and checking that text is JSON.
// Results and ctx.trigger are assembled from text this way, so key order survives and no tree
// is built per answer; request bodies and queue payloads are checked this way before V8 parses
// them for the nodes.
#pragma once

#include <string>
#include <string_view>

namespace pd {

// Appends `compact` (valid JSON, no insignificant whitespace) to `out`, indented by `indent`
// spaces per level, its first line continuing at `depth` levels (for embedding in a larger
// document being written the same way). `{}` and `[]` stay on one line.
void append_pretty_json(std::string& out, std::string_view compact, int depth = 0, int indent = 2);

// Appends `text` as a JSON string literal, quotes included, escaped as JSON.stringify escapes
// it. Bytes that are not valid UTF-8 become U+FFFD, one per maximal subpart as V8 decodes them
// (nlohmann's dump() throws on them instead).
void append_json_string(std::string& out, std::string_view text);

// Whether `text` is one JSON value (RFC 8259) in UTF-8, with whitespace around it and an
// optional UTF-8 byte order mark first: what nlohmann::json::accept says, about six times as
// fast (it builds no tokens), with no recursion however deep the nesting. Numbers beyond a
// double's range are refused, as nlohmann does (in any locale). One difference: a NUL byte is
// an error here, as in V8's JSON.parse, where nlohmann ends the text at it.
bool is_json_text(std::string_view text);

}  // namespace pd
