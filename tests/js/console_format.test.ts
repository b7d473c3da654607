import { assertEquals } from "./assert.ts";

class Point { constructor(public x: number, public y: number) {} }

export default function run(): string {
  const inspect = Deno.inspect;
  assertEquals(inspect("top"), "top");
  assertEquals(inspect({ a: 1, s: "x", n: null, u: undefined }), '{ a: 1, s: "x", n: null, u: undefined }');
  assertEquals(inspect([1, "two", [3]]), '[ 1, "two", [ 3 ] ]');
  assertEquals(inspect(new Point(1, 2)), "Point { x: 1, y: 2 }");
  assertEquals(inspect(new Map([["k", 1]])), 'Map(1) { "k" => 1 }');
  assertEquals(inspect(new Set([1])), "Set(1) { 1 }");
  assertEquals(inspect({ "a-b": 1 }), '{ "a-b": 1 }');
  assertEquals(inspect(new Date(0)), "1970-01-01T00:00:00.000Z");
  assertEquals(inspect(function named() {}), "[Function: named]");
  assertEquals(inspect({ a: { b: { c: { d: { e: 1 } } } } }), "{ a: { b: { c: { d: [Object] } } } }");
  const circular: Record<string, unknown> = { name: "loop" };
  circular.self = circular;
  assertEquals(inspect(circular), '<ref *1> { name: "loop", self: [Circular *1] }');
  const long = { alpha: "aaaaaaaaaaaaaaaa", beta: "bbbbbbbbbbbbbbbbbb", gamma: "cccccccccccccccccccc", delta: 1 };
  assertEquals(inspect(long), '{\n  alpha: "aaaaaaaaaaaaaaaa",\n  beta: "bbbbbbbbbbbbbbbbbb",\n  gamma: "cccccccccccccccccccc",\n  delta: 1\n}');
  assertEquals(inspect(new Uint8Array([1, 2])), "Uint8Array(2) [ 1, 2 ]");
  console.log("%s has %d items", "list", 3, { extra: true });
  return "ok";
}
