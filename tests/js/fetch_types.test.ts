import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";

export default async function run(): Promise<string> {
  const headers = new Headers({ "Content-Type": "text/plain", "X-A": "1" });
  headers.append("x-a", "2");
  headers.append("Set-Cookie", "a=1");
  headers.append("Set-Cookie", "b=2");
  assertEquals(headers.get("X-A"), "1, 2");
  assertEquals(headers.get("missing"), null);
  assertEquals([...headers.keys()], ["content-type", "set-cookie", "set-cookie", "x-a"]);
  assertEquals(headers.getSetCookie(), ["a=1", "b=2"]);
  headers.set("X-A", "3");
  assertEquals(headers.get("x-a"), "3");
  headers.delete("content-type");
  assert(!headers.has("Content-Type"));
  assertThrows(() => headers.set("bad name", "x"), TypeError);

  const response = new Response(JSON.stringify({ a: 1 }), { status: 201, headers: { "content-type": "application/json" } });
  assertEquals(response.status, 201);
  assert(response.ok);
  assertEquals(await response.json(), { a: 1 });
  assert(response.bodyUsed);
  await assertRejects(() => response.text(), TypeError, "already");
  assertEquals(await Response.json({ b: 2 }).text(), '{"b":2}');
  assertEquals(Response.json([]).headers.get("content-type"), "application/json");
  assertEquals(new Uint8Array(await new Response("hi").arrayBuffer()).length, 2);
  assertEquals(new Response(null, { status: 404 }).ok, false);
  assertThrows(() => new Response("", { status: 99 }), RangeError);
  // The body as a stream: one reader at a time, chunks then done, and reading uses the body up.
  const streamed = new Response("chunk");
  assert(streamed.body === streamed.body);
  const reader = streamed.body!.getReader();
  assert(streamed.body!.locked);
  assertThrows(() => streamed.body!.getReader(), TypeError, "locked");
  assertEquals(new TextDecoder().decode((await reader.read()).value), "chunk");
  assertEquals((await reader.read()).done, true);
  assert(streamed.bodyUsed);
  const iterated: string[] = [];
  for await (const part of new Response("for await").body!) iterated.push(new TextDecoder().decode(part));
  assertEquals(iterated, ["for await"]);
  const cancelled = new Response("unread");
  await cancelled.body!.cancel();
  await assertRejects(() => cancelled.text(), TypeError, "already");
  assertEquals(new Response(null).body, null);
  const cloned = new Response("twice");
  assertEquals(await cloned.clone().text(), "twice");
  assertEquals(await cloned.text(), "twice");

  const request = new Request("https://api.example.com/items", { method: "post", body: new URLSearchParams({ a: "1" }) });
  assertEquals(request.method, "POST");
  assertEquals(request.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  assertEquals(await request.text(), "a=1");
  assertThrows(() => new Request("https://x.dev", { method: "GET", body: "x" }), TypeError);
  assertThrows(() => new Request("/relative"), TypeError);
  return "ok";
}
