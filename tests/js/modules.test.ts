import type { Context } from "pipedreamer";
import { version } from "pipedreamer";
import greet from "greet";
import info from "./data/info.json" assert { type: "json" };
import same from "./data/info.json" with { type: "json" };
import { assert, assertEquals, assertRejects } from "./assert.ts";

export default async function run(_ctx: Context): Promise<string> {
  assertEquals(typeof version, "string");
  assertEquals(greet("vendor"), "hello vendor");
  assertEquals(info, { name: "conformance" });
  assert(same === info, "one module instance per file");
  const dynamic = await import("./data/helper.ts");
  assertEquals(dynamic.double(21), 42);
  const json = await import("./data/info.json");
  assertEquals(json.default.name, "conformance");
  const escape = await assertRejects(() => import("../../CMakeLists.txt"), Error);
  assert(escape.message.includes("points outside the workflow folder"), escape.message);
  const remote = await assertRejects(() => import("npm:left-pad@1"), Error);
  assert(remote.message.includes("never fetched at run time"), remote.message);
  assert(import.meta.url.endsWith("tests/js/modules.test.ts"), import.meta.url);
  return "ok";
}
