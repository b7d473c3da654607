// Deno side of the JS benchmark: the same nodes as bench/js_runtime_bench.cc. Prints JSON with
// microseconds per trivial call (warm, same module), and milliseconds per import of a fresh
// 300-line TypeScript node (cold: new file each time) and per re-import of the same module.
const dir = Deno.args[0];
const trivial = (await import(`file://${dir}/trivial.js`)).default;
const calls = 200000;
let t = performance.now();
for (let i = 0; i < calls; i++) await trivial({}, { n: 1 });
const callUs = ((performance.now() - t) * 1000) / calls;

const coldRuns = 20;
t = performance.now();
for (let i = 0; i < coldRuns; i++) {
  const mod = await import(`file://${dir}/big_${i}.ts`);
  await mod.default({}, { n: 1 });
}
const coldMs = (performance.now() - t) / coldRuns;
console.log(JSON.stringify({ trivial_call_us: callUs, cold_load_ms: coldMs }));
