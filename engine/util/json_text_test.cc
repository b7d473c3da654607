#include "engine/util/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pd {
namespace {

std::string pretty(std::string_view compact, int depth = 0) {
  std::string out;
  append_pretty_json(out, compact, depth);
  return out;
}

TEST(PrettyJson, LaysOutLikeJsonStringifyWithTwoSpaces) {
  EXPECT_EQ(pretty(R"({"b":1,"a":[true,null,{}],"c":{"d":[]}})"),
            "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    null,\n    {}\n  ],\n  \"c\": {\n    "
            "\"d\": []\n  }\n}");
}

TEST(PrettyJson, LeavesStringsAlone) {
  EXPECT_EQ(pretty(R"({"k,{":"a:\"b\",[c]\\"})"), "{\n  \"k,{\": \"a:\\\"b\\\",[c]\\\\\"\n}");
  EXPECT_EQ(pretty(R"("x")"), R"("x")");
  EXPECT_EQ(pretty("42"), "42");
}

TEST(PrettyJson, MatchesNlohmannsIndentedDumpForTheSameKeys) {
  for (const char* text :
       {R"({"a":{"b":[1,2.5,"x"],"c":{}},"d":[[]]})",
        R"([-1.5e+300,true,false,null,"\\","\"",[1,[2,[3]]],{"":""},"caf\u00e9 \n"])"}) {
    nlohmann::json value = nlohmann::json::parse(text);
    EXPECT_EQ(pretty(value.dump()), value.dump(2)) << text;
  }
}

TEST(PrettyJson, ContinuesAtTheGivenDepth) {
  EXPECT_EQ(pretty(R"({"n":1})", 2), "{\n      \"n\": 1\n    }");
}

std::string json_string_of(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// nlohmann's dump() escapes as JSON.stringify does for these (lowercase \u00xx, DEL as it is).
TEST(JsonString, EscapesAsJsonStringifyDoes) {
  EXPECT_EQ(json_string_of(""), R"("")");
  EXPECT_EQ(json_string_of("plain text"), R"("plain text")");
  EXPECT_EQ(json_string_of("a\"b\\c\n\r\t\b\f"), R"("a\"b\\c\n\r\t\b\f")");
  EXPECT_EQ(json_string_of(std::string("\x01\x1f\0", 3)), R"("\u0001\u001f\u0000")");
  for (std::string text : {"caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x99\x82", "x\x7fy", "a/b"}) {
    EXPECT_EQ(json_string_of(text), nlohmann::json(text).dump()) << text;
  }
}

// Text is looked at eight bytes at a time: a byte to escape (or the start of a multi-byte
// character) is found wherever it falls in a word, and the bytes around it in the range's edges
// (space, '!', '#', '[', ']', DEL) are left as they are.
TEST(JsonString, FindsWhatToEscapeAtEveryPositionOfALongerText) {
  std::vector<std::string> specials = {"\"", "\\", "\n", "\x01", "\x1f", std::string(1, '\0'),
                                       "\xc3\xa9", "\xe2\x82\xac", " ", "!", "#", "[", "]", "\x7f"};
  for (const std::string& special : specials) {
    for (size_t at = 0; at <= 24; ++at) {
      std::string text = std::string(at, 'a') + special + std::string(24 - at, 'b');
      EXPECT_EQ(json_string_of(text), nlohmann::json(text).dump()) << at << ": " << text;
    }
  }
  // Several in one word, and text that is mostly characters outside ASCII.
  for (std::string text : {"ab\"cd\\ef\ngh\"",
                           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x82\xac\xe2\x82\xac!",
                           "x\xe2\x82\xac\"\x01\xc3\xa9yyyyyyyyy\xf0\x9f\x99\x82\tz"}) {
    EXPECT_EQ(json_string_of(text), nlohmann::json(text).dump()) << text;
  }
}

TEST(JsonString, ReplacesBytesThatAreNotUtf8) {
  // A lone continuation byte, truncated sequences (one U+FFFD for the bytes that fit), an
  // overlong form, a surrogate, > U+10FFFF.
  EXPECT_EQ(json_string_of("a\x80"
                           "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(json_string_of("\xe2\x82x"), R"("\ufffdx")");
  EXPECT_EQ(json_string_of("\xf0\x9f\x99"), R"("\ufffd")");
  EXPECT_EQ(json_string_of("\xc3"), R"("\ufffd")");
  EXPECT_EQ(json_string_of("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(json_string_of("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(json_string_of("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
  EXPECT_TRUE(nlohmann::json::accept(json_string_of("\xff\xfe ok \xe2\x82")));
}

}  // namespace
}  // namespace pd
