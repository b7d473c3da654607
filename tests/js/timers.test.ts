import { assertEquals } from "./assert.ts";

export default async function run(): Promise<string> {
  const order: string[] = [];
  setTimeout(() => order.push("timeout 20"), 20);
  setTimeout((a: string, b: string) => order.push(`timeout 0 ${a}${b}`), 0, "x", "y");
  queueMicrotask(() => order.push("microtask"));
  Promise.resolve().then(() => order.push("promise"));
  const cancelled = setTimeout(() => order.push("never"), 5);
  clearTimeout(cancelled);
  let ticks = 0;
  await new Promise<void>((resolve) => {
    const id = setInterval(() => {
      if (++ticks === 3) {
        clearInterval(id);
        resolve();
      }
    }, 5);
  });
  await new Promise((resolve) => setTimeout(resolve, 30));
  assertEquals(order, ["microtask", "promise", "timeout 0 xy", "timeout 20"]);
  assertEquals(ticks, 3);
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 15));
  const elapsed = performance.now() - start;
  if (elapsed < 14) throw new Error(`setTimeout(15) fired after ${elapsed}ms`);
  return "ok";
}
