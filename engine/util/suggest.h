// "Did you mean …?" suggestions for misspelt keys, names and commands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

// Edit distance counting insertions, deletions, substitutions and adjacent transpositions.
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo
// (distance <= max(1, |word| / 3), or `word` is a prefix/suffix of the candidate), else nothing.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace pd
