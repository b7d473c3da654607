import type { Context } from "pipedreamer";
import { assertEquals } from "./assert.ts";

export type Shape = { kind: "circle"; r: number } | { kind: "square"; side: number };
interface Named { readonly name: string }
enum Level { Low = 1, High = 10 }
const enum Flag { On = "on" }
declare const injected: string | undefined;

abstract class Base<T> implements Named {
  constructor(public readonly name: string, protected value: T) {}
  abstract describe(): string;
}
class Box<T extends number> extends Base<T> {
  private static count = 0;
  constructor(name: string, value: T, private scale = 2) { super(name, value); Box.count++; }
  describe(): string { return `${this.name}=${this.value * this.scale}`; }
}

function area(shape: Shape): number {
  switch (shape.kind) {
    case "circle": return Math.round(Math.PI * shape.r ** 2);
    case "square": return shape.side ** 2;
  }
}

export default function run(_ctx: Context, _input: unknown): string {
  const box = new Box<number>("b", 3);
  assertEquals(box.describe(), "b=6");
  assertEquals(Level.High, 10);
  assertEquals(Level[1], "Low");
  assertEquals(Flag.On, "on");
  const config = { retries: 3 } satisfies Record<string, number>;
  const n = <number>config.retries;
  const s = (n as unknown) as number;
  assertEquals(area({ kind: "square", side: s }), 9);
  const maybe: string | undefined = typeof injected === "undefined" ? "none" : injected;
  assertEquals(maybe!, "none");
  const generic = <T,>(x: T): T[] => [x];
  assertEquals(generic<string>("x"), ["x"]);
  return "ok";
}
