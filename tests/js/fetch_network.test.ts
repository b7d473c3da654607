import { assert, assertEquals, assertRejects } from "./assert.ts";

interface Input { http: string; https: string; ca: string }

export default async function run(_ctx: unknown, input: Input): Promise<string> {
  const res = await fetch(`${input.http}/json?x=1`, { headers: { "X-Test": "yes" } });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "application/json");
  const body = await res.json();
  assertEquals([body.path, body.query, body.header], ["/json", "x=1", "yes"]);

  const posted = await fetch(`${input.http}/echo`, { method: "POST", body: JSON.stringify({ a: 1 }), headers: { "content-type": "application/json" } });
  assertEquals(await posted.text(), '{"a":1}');

  const redirected = await fetch(`${input.http}/redirect`);
  assert(redirected.redirected);
  assertEquals(redirected.url, `${input.http}/json`);
  const manual = await fetch(`${input.http}/redirect`, { redirect: "manual" });
  assertEquals(manual.status, 302);

  const missing = await fetch(`${input.http}/nothing`);
  assertEquals(missing.status, 404);
  assertEquals(missing.ok, false);

  const controller = new AbortController();
  const slow = fetch(`${input.http}/slow`, { signal: controller.signal });
  controller.abort();
  await assertRejects(() => slow, DOMException, "aborted");
  await assertRejects(() => fetch(`${input.http}/slow`, { signal: AbortSignal.timeout(20) }), DOMException, "timed out");

  const denied = await assertRejects(() => fetch("https://api.github.com/"), Deno.errors.PermissionDenied);
  assert(denied.message.includes('Requires net access to "api.github.com:443"'), denied.message);

  // A self-signed cluster CA: rejected by default, trusted through Deno.createHttpClient.
  const untrusted = await assertRejects(() => fetch(`${input.https}/json`), TypeError);
  assert(untrusted.message.includes("certificate"), untrusted.message);
  const client = Deno.createHttpClient({ caCerts: [input.ca] });
  const secure = await fetch(`${input.https}/json`, { client });
  assertEquals((await secure.json()).path, "/json");
  client.close();
  return "ok";
}
