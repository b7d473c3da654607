import { assert } from "./assert.ts";

interface Payload {
  value: number;
}

// The `new Error` below is on line 10, column 9 of this file, types included.
function fail(payload: Payload): never {
  const detail: string = `value ${payload.value}`;
  throw new Error(detail);
}
function where(): string { try { fail({ value: 1 }); } catch (e) { return (e as Error).stack ?? ""; } return ""; }

export default function run(): string {
  const stack = where();
  assert(stack.includes("stack_positions.test.ts:10:9"), stack);
  return "ok";
}
