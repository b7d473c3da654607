#include "engine/util/json_text.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

namespace pd {
namespace {

// The length of the UTF-8 sequence at `s[i]` when it is valid (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), else of its maximal subpart (the lead byte and the
// continuation bytes that fit it), which one U+FFFD replaces, as V8's and WHATWG's decoders do.
size_t utf8_sequence(std::string_view s, size_t i, bool& valid) {
  auto lead = static_cast<unsigned char>(s[i]);
  size_t need = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  }
  size_t got = 0;
  while (got < need && i + 1 + got < s.size()) {
    auto next = static_cast<unsigned char>(s[i + 1 + got]);
    if (next < low || next > high) break;
    low = 0x80;
    high = 0xBF;
    ++got;
  }
  valid = need > 0 && got == need;
  return 1 + got;
}

// The high bit of each of the eight bytes in `word` that is a control character, '"', '\\' or
// not ASCII (the bytes a JSON string cannot hold as they are), and of no byte below the first
// such one: found a word at a time (SWAR) rather than byte by byte, since most text (names,
// subjects, header values, outputs) has none. Zero: none.
uint64_t needs_escaping(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;
  return below_space | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\')) |
         (word & kHigh);
}

// From `i`, a word at a time past bytes that need no escaping, to the first that does (the
// lowest flag is exact; the bytes above it may be flagged only by a borrow) or to the last few
// bytes, fewer than a word, which the caller takes one by one.
size_t skip_plain_words(std::string_view s, size_t i) {
  while (i + 8 <= s.size()) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    uint64_t found = needs_escaping(word);
    if (found != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        i += static_cast<size_t>(std::countr_zero(found)) / 8;
      }
      return i;
    }
    i += 8;
  }
  return i;
}

// Checks JSON text left to right, with the open objects and arrays on a stack of its own.
class JsonChecker {
 public:
  explicit JsonChecker(std::string_view text) : s_(text) {}

  bool check() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
    for (;;) {
      skip_space();
      Begun begun = value();
      if (begun == Begun::kFailed) return false;
      if (begun == Begun::kContainer) continue;  // its first value (or member) is next
      // The value is complete: go on in the container it is in, or end.
      for (;;) {
        skip_space();
        if (open_.empty()) return i_ == s_.size();
        char in = open_.back();
        if (take(',')) {
          if (in == '{' && !member_name()) return false;
          break;  // the next value
        }
        if (!take(in == '{' ? '}' : ']')) return false;
        open_.pop_back();
      }
    }
  }

 private:
  enum class Begun { kFailed, kComplete, kContainer };
  // One value, or the opening of an object or array that is not empty (whose members check()
  // then takes: no recursion, however deep the nesting).
  Begun value() {
    if (i_ >= s_.size()) return Begun::kFailed;
    auto done = [](bool ok) { return ok ? Begun::kComplete : Begun::kFailed; };
    switch (s_[i_]) {
      case '{':
        ++i_;
        skip_space();
        if (take('}')) return Begun::kComplete;
        open_.push_back('{');
        return member_name() ? Begun::kContainer : Begun::kFailed;
      case '[':
        ++i_;
        skip_space();
        if (take(']')) return Begun::kComplete;
        open_.push_back('[');
        return Begun::kContainer;
      case '"':
        return done(string());
      case 't':
        return done(word("true"));
      case 'f':
        return done(word("false"));
      case 'n':
        return done(word("null"));
      default:
        return done(number());
    }
  }
  // `"name"` and its colon: the member's value is next.
  bool member_name() {
    skip_space();
    if (i_ >= s_.size() || s_[i_] != '"' || !string()) return false;
    skip_space();
    return take(':');
  }
  bool string() {
    ++i_;  // the opening quote
    while ((i_ = skip_plain_words(s_, i_)) < s_.size()) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        bool valid = false;
        i_ += utf8_sequence(s_, i_, valid);
        if (!valid) return false;
        continue;
      }
      if (c == '\\' && !escape()) return false;
      if (c != '\\') ++i_;
    }
    return false;
  }
  // At a backslash: one escape, a UTF-16 surrogate pair counting as one.
  bool escape() {
    ++i_;
    if (i_ >= s_.size()) return false;
    char c = s_[i_++];
    if (std::strchr("\"\\/bfnrt", c) != nullptr && c != '\0') return true;
    if (c != 'u') return false;
    int unit = hex4();
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate first
    if (unit < 0xD800 || unit > 0xDBFF) return unit >= 0;
    // A high surrogate: a low one must follow.
    if (!take('\\') || !take('u')) return false;
    int low = hex4();
    return low >= 0xDC00 && low <= 0xDFFF;
  }
  int hex4() {
    if (i_ + 4 > s_.size()) return -1;
    int unit = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) return -1;
      unit = unit * 16 + digit;
    }
    return unit;
  }
  bool number() {
    size_t start = i_;
    take('-');
    if (take('0')) {
      // no further integer digits
    } else if (!digits()) {
      return false;
    }
    if (take('.') && !digits()) return false;
    bool exponent = take('e') || take('E');
    if (exponent) {
      if (!take('+')) take('-');
      if (!digits()) return false;
    }
    // Beyond a double's range (1e400): nlohmann refuses it ("number overflow"), where V8
    // would read Infinity. Only an exponent or over 300 digits can get there.
    if (exponent || i_ - start > 300) return !too_large(s_.substr(start, i_ - start));
    return true;
  }
  // Whether a JSON number overflows a double. from_chars (which, unlike strtod, ignores the
  // locale) says "out of range" both above and below; below is zero to nlohmann, so the
  // number's decimal magnitude tells them apart (out of range, it is far from 0 either way).
  static bool too_large(std::string_view token) {
    double value = 0;
    if (std::from_chars(token.data(), token.data() + token.size(), value).ec !=
        std::errc::result_out_of_range) {
      return false;
    }
    size_t i = token[0] == '-' ? 1 : 0;
    size_t integer_end = token.find_first_not_of("0123456789", i);
    if (integer_end == std::string_view::npos) integer_end = token.size();
    std::string_view integer = token.substr(i, integer_end - i);
    int64_t magnitude = 0;  // digits before the point, from the first that is not 0
    if (size_t first = integer.find_first_not_of('0'); first != std::string_view::npos) {
      magnitude = static_cast<int64_t>(integer.size() - first);
    } else if (integer_end < token.size() && token[integer_end] == '.') {
      size_t zeros_end = token.find_first_not_of('0', integer_end + 1);  // 0.000…
      if (zeros_end == std::string_view::npos) zeros_end = token.size();
      magnitude = -static_cast<int64_t>(zeros_end - integer_end - 1);
    }
    size_t e = token.find_first_of("eE");
    if (e != std::string_view::npos) {
      size_t digit = e + 1;
      bool negative = token[digit] == '-';
      if (token[digit] == '-' || token[digit] == '+') ++digit;
      int64_t power = 0;
      for (; digit < token.size() && power < 1'000'000'000; ++digit) {
        power = power * 10 + (token[digit] - '0');
      }
      magnitude += negative ? -power : power;
    }
    return magnitude > 0;
  }
  bool digits() {
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }
  bool word(std::string_view expected) {
    if (s_.substr(i_, expected.size()) != expected) return false;
    i_ += expected.size();
    return true;
  }
  bool take(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void skip_space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) {
      ++i_;
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  std::vector<char> open_;  // '{' or '[' for each container not yet closed
};

}  // namespace

bool is_json_text(std::string_view text) { return JsonChecker(text).check(); }

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t plain = 0;  // start of the run of bytes copied as they are
  auto flush = [&](size_t end) { out.append(text.substr(plain, end - plain)); };
  for (size_t i = 0; (i = skip_plain_words(text, i)) < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      bool valid = false;
      size_t length = utf8_sequence(text, i, valid);
      if (!valid) {
        flush(i);
        out += "\\ufffd";
        plain = i + length;
      }
      i += length;
      continue;
    }
    flush(i);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    plain = ++i;
  }
  flush(text.size());
  out += '"';
}

void append_pretty_json(std::string& out, std::string_view compact, int depth, int indent) {
  auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<size_t>(level * indent), ' ');
  };
  // Strings, numbers and literals are copied as whole runs: appending byte by byte cost more
  // than the rest of laying out an answer.
  const size_t n = compact.size();
  size_t i = 0;
  while (i < n) {
    char c = compact[i];
    switch (c) {
      case '"': {
        size_t end = i + 1;
        while (end < n && compact[end] != '"') end += compact[end] == '\\' ? 2 : 1;
        end = std::min(end + 1, n);
        out.append(compact.substr(i, end - i));
        i = end;
        continue;
      }
      case '{':
      case '[':
        out += c;
        if (i + 1 < n && (compact[i + 1] == '}' || compact[i + 1] == ']')) {
          out += compact[++i];
        } else {
          newline(++depth);
        }
        break;
      case '}':
      case ']':
        newline(--depth);
        out += c;
        break;
      case ',':
        out += c;
        newline(depth);
        break;
      case ':':
        out += ": ";
        break;
      default: {
        size_t end = i + 1;
        while (end < n && compact[end] != ',' && compact[end] != '}' && compact[end] != ']') ++end;
        out.append(compact.substr(i, end - i));
        i = end;
        continue;
      }
    }
    ++i;
  }
}

}  // namespace pd
