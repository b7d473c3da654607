import { assert, assertEquals, assertRejects } from "./assert.ts";

export default async function run(): Promise<string> {
  const target = new EventTarget();
  const seen: string[] = [];
  target.addEventListener("ping", (e) => seen.push(`a:${e.type}`));
  target.addEventListener("ping", () => seen.push("once"), { once: true });
  target.dispatchEvent(new Event("ping"));
  target.dispatchEvent(new CustomEvent("ping", { detail: 1 }));
  assertEquals(seen, ["a:ping", "once", "a:ping"]);
  const event = new Event("x", { cancelable: true });
  event.preventDefault();
  assert(event.defaultPrevented);

  const controller = new AbortController();
  let fired = 0;
  controller.signal.addEventListener("abort", () => fired++);
  controller.abort();
  controller.abort();
  assertEquals(fired, 1);
  assert(controller.signal.aborted);
  assertEquals((controller.signal.reason as DOMException).name, "AbortError");
  assertEquals(AbortSignal.abort("why").reason, "why");

  const timeout = AbortSignal.timeout(10);
  await new Promise((resolve) => timeout.addEventListener("abort", resolve));
  assertEquals((timeout.reason as DOMException).name, "TimeoutError");
  const any = AbortSignal.any([new AbortController().signal, AbortSignal.abort("first")]);
  assertEquals(any.reason, "first");
  await assertRejects(async () => controller.signal.throwIfAborted(), DOMException);
  assertEquals(new DOMException("m", "NotFoundError").code, 8);
  return "ok";
}
