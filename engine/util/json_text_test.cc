#include "engine/util/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

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

// is_json_text must say what nlohmann::json::accept says (it replaced it on the request and
// message paths): on documents of every kind, and on thousands of mutations of them, one byte
// inserted, replaced or removed, or the text cut short, from a fixed seed. Except with a NUL
// byte, which nlohmann takes for the end of the text ("2\0x" passes) and V8 rejects, as here.
TEST(JsonText, AcceptsWhatNlohmannAcceptsAndNothingElse) {
  std::vector<std::string> documents = {
      "{}", "[]", "0", "-0", "12.5e-3", "-1E+9", "1e5", "true", "false", "null", "\"\"",
      R"({"a": [1, 2.0, -3e2, {"b": null}], "c": "d\"e\\f\/g\b\f\n\r\t", "h": true})",
      R"(  [ "\u00e9\u20AC", "\ud83d\ude00", {"k" : {"l" : [[], {}]}} ]  )",
      "\xEF\xBB\xBF{\"bom\": 1}", "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"",
      "{\"n\": 0, \"ok\": [true, false, null], \"s\": \"plain ascii text longer than a word\"}",
      "\r\n\t[1,\r\n2]\n"};
  for (const std::string& text : documents) {
    EXPECT_TRUE(is_json_text(text)) << text;
    EXPECT_EQ(is_json_text(text), nlohmann::json::accept(text)) << text;
  }
  const std::string alphabet = std::string("{}[]\",:\\/ \t\n0123456789eE+-.tfnrulsabuxDd") +
                               std::string("\0\x01\x1f\x7f\x80\xbf\xc0\xc3\xe2\xed\xef\xf0\xf4\xff", 15);
  std::mt19937 random(20261208);
  int checked = 0;
  for (const std::string& original : documents) {
    for (int round = 0; round < 2000; ++round) {
      std::string text = original;
      for (int edits = 1 + static_cast<int>(random() % 3); edits > 0; --edits) {
        size_t at = text.empty() ? 0 : random() % (text.size() + 1);
        char byte = alphabet[random() % alphabet.size()];
        switch (random() % 4) {
          case 0:
            text.insert(text.begin() + static_cast<long>(at), byte);
            break;
          case 1:
            if (at < text.size()) text[at] = byte;
            break;
          case 2:
            if (at < text.size()) text.erase(at, 1);
            break;
          default:
            text.resize(at);
        }
      }
      bool expected = text.find('\0') == std::string::npos && nlohmann::json::accept(text);
      ASSERT_EQ(is_json_text(text), expected) << "text: " << text;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2000 * static_cast<int>(documents.size()));
}

TEST(JsonText, DeepNestingNeedsNoRecursion) {
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_TRUE(is_json_text(deep));
  EXPECT_FALSE(is_json_text(deep.substr(1)));
}

TEST(JsonText, RefusesWhatIsNotExactlyOneValueInRange) {
  EXPECT_FALSE(is_json_text(""));
  EXPECT_FALSE(is_json_text("   "));
  EXPECT_FALSE(is_json_text("{} {}"));
  EXPECT_FALSE(is_json_text(std::string("2\0x", 3)));
  // A double's range, as nlohmann reads numbers: overflow is refused, underflow is zero.
  for (const char* number :
       {"1e308", "-1.7e308", "1e-400", "1e309", "-1E996", "[1e400]", "1.7976931348623157e308",
        "1.7976931348623159e308", "0e99999999999999999999", "1e-99999", "2e-324", "0.0001e312",
        "0.0001e-320", "-0.000e999", "123456789e300", "1000e-1000", "1.5e400"}) {
    EXPECT_EQ(is_json_text(number), nlohmann::json::accept(number)) << number;
  }
}

}  // namespace
}  // namespace pd
