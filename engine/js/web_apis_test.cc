// The Web APIs every context has, exercised from real node code.
#include "engine/js/runtime_test_fixture.h"

namespace pd::js {
namespace {

class WebApisTest : public RuntimeTest {
 protected:
  nlohmann::json eval(const std::string& body) {
    write("nodes/probe.ts", "export default async function run() {\n" + body + "\n}\n");
    Result<NodeCall> result = call("nodes/probe.ts");
    EXPECT_TRUE(result.is_ok()) << result.status().message();
    return result.is_ok() ? result.value().output : nlohmann::json();
  }
};

TEST_F(WebApisTest, Base64FollowsTheHtmlSpec) {
  EXPECT_EQ(eval("return [btoa('hello'), atob('aGVsbG8='), atob(' aGVs bG8 '), atob('aGk')];"),
            nlohmann::json::parse(R"(["aGVsbG8=","hello","hello","hi"])"));
  EXPECT_EQ(eval("try { btoa('é€'); return 'no error'; } catch (e) { return String(e.message); }"),
            "btoa: the string to be encoded contains characters outside of the Latin1 range");
  EXPECT_EQ(eval("try { atob('@@'); return 'no error'; } catch (e) { return String(e.message); }"),
            "atob: the string to be decoded is not correctly encoded");
}

TEST_F(WebApisTest, TextEncoderAndDecoderRoundTripUtf8) {
  EXPECT_EQ(eval("const b = new TextEncoder().encode('añ€😀');\n"
                 "return [Array.from(b), new TextDecoder().decode(b)];"),
            nlohmann::json::parse(R"([[97,195,177,226,130,172,240,159,152,128],"añ€😀"])"));
  EXPECT_EQ(eval("return new TextDecoder().decode(new Uint8Array([0xff, 0x41]));"),
            "\xEF\xBF\xBD"
            "A");
}

TEST_F(WebApisTest, StructuredCloneCopiesRichValues) {
  EXPECT_EQ(eval("const v = { d: new Date(0), m: new Map([[1, 'a']]), s: new Set([2]) };\n"
                 "const c = structuredClone(v);\n"
                 "return [c !== v, c.d instanceof Date, c.d.getTime(), c.m.get(1), c.s.has(2)];"),
            nlohmann::json::parse(R"([true,true,0,"a",true])"));
  EXPECT_EQ(
      eval("try { structuredClone(() => 1); return 'cloned'; } catch (e) { return 'threw'; }"),
      "threw");
}

TEST_F(WebApisTest, CryptoRandomnessAndPerformanceNow) {
  nlohmann::json out = eval(
      "const u = crypto.randomUUID();\n"
      "const a = crypto.getRandomValues(new Uint32Array(4));\n"
      "const t0 = performance.now(); const t1 = performance.now();\n"
      "return [/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u),\n"
      "        a.length, a.some((x: number) => x !== 0), t1 >= t0, t0 >= 0];");
  EXPECT_EQ(out, nlohmann::json::parse("[true,4,true,true,true]"));
}

TEST_F(WebApisTest, IntlKnowsTimeZones) {
  EXPECT_EQ(eval("return new Date(Date.UTC(2026,0,1,12)).toLocaleString('en-US', "
                 "{ timeZone: 'America/Los_Angeles' });"),
            "1/1/2026, 4:00:00 AM");
}

}  // namespace
}  // namespace pd::js
