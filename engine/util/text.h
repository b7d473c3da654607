// Small string helpers shared by the file readers (secrets, config overrides, kubeconfigs) and
// the code bundle writers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pd {

// Without leading and trailing spaces, tabs and line breaks.
std::string trim(std::string_view text);

// The parts of `text` between `separator`s, empty ones included ("a,,b" → a, "", b; "" → "").
std::vector<std::string> split(std::string_view text, char separator);

// Whether `text` is well-formed UTF-8 (else it travels as bytes, e.g. base64).
bool is_valid_utf8(std::string_view text);

// Whether `a` and `b` are equal with ASCII case ignored (header names, media types), compared
// in place.
bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace pd
