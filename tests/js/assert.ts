// Tiny assertions for the conformance programs: each failure throws with what differed.
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

export function assertEquals<T>(actual: T, expected: T, message = ""): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message ? message + ": " : ""}expected ${e}, got ${a}`);
}

export function assertThrows(fn: () => unknown, kind: Function, includes = ""): Error {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof kind)) throw new Error(`expected ${kind.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    if (includes && !String((e as Error).message).includes(includes)) {
      throw new Error(`expected the message to include ${JSON.stringify(includes)}, got ${JSON.stringify((e as Error).message)}`);
    }
    return e as Error;
  }
  throw new Error(`expected ${kind.name} to be thrown`);
}

export async function assertRejects(fn: () => Promise<unknown>, kind: Function, includes = ""): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof kind)) throw new Error(`expected ${kind.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    if (includes && !String((e as Error).message).includes(includes)) {
      throw new Error(`expected the message to include ${JSON.stringify(includes)}, got ${JSON.stringify((e as Error).message)}`);
    }
    return e as Error;
  }
  throw new Error(`expected a rejection with ${kind.name}`);
}
