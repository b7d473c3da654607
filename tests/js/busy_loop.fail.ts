// expect-error: DeadlineExceeded busy_loop.fail.ts: timed out after 300ms
// A node that never yields: the runtime terminates it at its deadline and stays usable.
export default function run(): never {
  while (true) {}
}
