import { assert, assertEquals, assertRejects } from "./assert.ts";

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

export default async function run(): Promise<string> {
  const data = new TextEncoder().encode("abc");
  assertEquals(hex(await crypto.subtle.digest("SHA-256", data)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assertEquals(hex(await crypto.subtle.digest({ name: "SHA-1" }, data)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assertEquals((await crypto.subtle.digest("SHA-384", data)).byteLength, 48);
  assertEquals((await crypto.subtle.digest("SHA-512", data)).byteLength, 64);
  await assertRejects(() => crypto.subtle.digest("MD5", data), DOMException, "MD5");

  // RFC 4231 test case 2, as GitHub webhook verification does it.
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("Jefe"), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const message = new TextEncoder().encode("what do ya want for nothing?");
  const signature = await crypto.subtle.sign("HMAC", key, message);
  assertEquals(hex(signature), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  assert(await crypto.subtle.verify("HMAC", key, signature, message));
  assert(!(await crypto.subtle.verify("HMAC", key, signature, new TextEncoder().encode("other"))));
  assertEquals(key.algorithm.name, "HMAC");
  await assertRejects(() => crypto.subtle.exportKey("raw", key), DOMException, "not extractable");

  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()));
  const random = crypto.getRandomValues(new Uint32Array(8));
  assert(random.some((v) => v !== 0), "getRandomValues fills the array");
  return "ok";
}
