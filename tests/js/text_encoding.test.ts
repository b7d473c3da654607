import { assert, assertEquals, assertThrows } from "./assert.ts";

export default function run(): string {
  const bytes = new TextEncoder().encode("héllo €😀");
  assertEquals(Array.from(bytes.slice(0, 3)), [104, 195, 169]);
  assertEquals(bytes.length, 14);
  assertEquals(new TextDecoder().decode(bytes), "héllo €😀");
  assertEquals(new TextDecoder().decode(new Uint8Array([0xff, 0x41])), "\ufffdA");
  assertThrows(() => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xc0, 0x80])), TypeError);
  assertThrows(() => new TextDecoder("latin2"), RangeError);
  assertEquals(btoa("hello"), "aGVsbG8=");
  assertEquals(atob("aGVsbG8"), "hello");
  assertThrows(() => btoa("€"), Error, "Latin1");
  const original = { a: [1, { b: new Date(0) }], m: new Map([["k", 1]]) };
  const copy = structuredClone(original);
  assert(copy !== original && copy.a[1] !== original.a[1], "structuredClone copies deeply");
  assertEquals((copy.a[1] as { b: Date }).b.getTime(), 0);
  assertEquals(copy.m.get("k"), 1);
  assertThrows(() => structuredClone(() => 1), Error);
  return "ok";
}
