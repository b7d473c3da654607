// JSON as text without building a tree: re-indenting compact JSON (as JSON.stringify or
// nlohmann's dump() wrote it) the way JSON.stringify(value, null, 2) lays it out, keys in the
// order they are written, and writing strings as JSON literals. Results and ctx.trigger are
// assembled from text this way, so key order survives and no tree is built per answer.
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

}  // namespace pd
