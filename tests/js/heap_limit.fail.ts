// expect-error: Unavailable heap_limit.fail.ts: ran out of memory (heap limit 64 MB)
// A node that allocates without bound fails its call, not the process.
export default function run(): number {
  const hoard: string[][] = [];
  for (;;) hoard.push(new Array(100000).fill("x".repeat(10)));
}
