import { assertEquals, assertThrows } from "./assert.ts";

export default function run(): string {
  const url = new URL("https://user:pw@API.Example.com:8443/a/../b/c?x=1&y=two#frag");
  assertEquals(url.hostname, "api.example.com");
  assertEquals(url.port, "8443");
  assertEquals(url.pathname, "/b/c");
  assertEquals(url.searchParams.get("y"), "two");
  assertEquals(url.hash, "#frag");
  assertEquals(url.origin, "https://api.example.com:8443");
  assertEquals(new URL("../d?q", "https://x.dev/a/b/c").href, "https://x.dev/a/d?q");
  assertEquals(new URL("https://x.dev:443/").href, "https://x.dev/");
  assertEquals(new URL("https://bücher.example/").hostname, "xn--bcher-kva.example");
  assertThrows(() => new URL("not a url"), TypeError);
  const params = new URLSearchParams({ q: "a b&c", n: "1" });
  params.append("n", "2");
  assertEquals(params.toString(), "q=a+b%26c&n=1&n=2");
  assertEquals(params.getAll("n"), ["1", "2"]);
  params.sort();
  assertEquals([...params.keys()], ["n", "n", "q"]);
  const u = new URL("https://x.dev/p");
  u.searchParams.set("since", "2026-01-01T00:00:00Z");
  assertEquals(u.search, "?since=2026-01-01T00%3A00%3A00Z");
  return "ok";
}
