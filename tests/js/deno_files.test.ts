import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";

export default async function run(_ctx: unknown, input: { scratch: string }): Promise<string> {
  assertEquals(JSON.parse(await Deno.readTextFile("data/info.json")), { name: "conformance" });
  assertEquals((await Deno.readFile("data/info.json"))[0], "{".charCodeAt(0));
  const info = await Deno.stat("data/info.json");
  assert(info.isFile && !info.isDirectory && info.size > 0 && info.mtime instanceof Date);
  const names: string[] = [];
  for await (const entry of Deno.readDir("data")) names.push(`${entry.name}:${entry.isSymlink ? "link" : entry.isFile ? "file" : "dir"}`);
  assertEquals(names, ["helper.ts:file", "info.json:file", "link.json:link"]);
  assert((await Deno.lstat("data/link.json")).isSymlink);
  assert((await Deno.stat("data/link.json")).isFile);
  await assertRejects(() => Deno.readTextFile("data/missing.txt"), Deno.errors.NotFound);
  const denied = await assertRejects(() => Deno.readTextFile("/etc/hostname"), Deno.errors.PermissionDenied);
  assert(denied.message.includes('Requires read access to "/etc/hostname"'), denied.message);
  await assertRejects(() => Deno.readTextFile("../../CMakeLists.txt"), Deno.errors.PermissionDenied);

  const out = `${input.scratch}/out/report.txt`;
  await Deno.mkdir(`${input.scratch}/out`, { recursive: true });
  await Deno.writeTextFile(out, "line 1\n");
  await Deno.writeTextFile(out, "line 2\n", { append: true });
  assertEquals(await Deno.readTextFile(out), "line 1\nline 2\n");
  await Deno.writeFile(`${input.scratch}/bytes.bin`, new Uint8Array([1, 2, 3]));
  assertEquals(Array.from(await Deno.readFile(`${input.scratch}/bytes.bin`)), [1, 2, 3]);
  await Deno.remove(out);
  await assertRejects(() => Deno.stat(out), Deno.errors.NotFound);
  const writeDenied = await assertRejects(() => Deno.writeTextFile("data/new.txt", "x"), Deno.errors.PermissionDenied);
  assert(writeDenied.message.includes("Requires write access"), writeDenied.message);

  assertEquals(Deno.env.get("PD_CONFORMANCE"), "yes");
  assertEquals(Deno.env.get("HOME"), undefined);
  Deno.env.set("LOCAL", "1");
  assertEquals(Deno.env.toObject().LOCAL, "1");
  assertThrows(() => Deno.env.get(""), TypeError);
  assert(Deno.cwd().endsWith("tests/js"));
  return "ok";
}
