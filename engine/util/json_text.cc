#include "engine/util/json_text.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

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

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t plain = 0;  // start of the run of bytes copied as they are
  auto flush = [&](size_t end) { out.append(text.substr(plain, end - plain)); };
  for (size_t i = 0; i < text.size();) {
    if (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      uint64_t found = needs_escaping(word);
      if (found == 0) {
        i += 8;
        continue;
      }
      // On to the first byte found (the lowest flagged bit is exact; the bytes above it may be
      // flagged only by a borrow), which the byte loop below takes.
      if constexpr (std::endian::native == std::endian::little) {
        i += static_cast<size_t>(std::countr_zero(found)) / 8;
      }
    }
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
