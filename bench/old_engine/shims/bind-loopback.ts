// Preloaded before engine/main.ts: the old engine calls Deno.serve({ port }) which binds 0.0.0.0.
// Force hostname 127.0.0.1 without touching the old source.
const origServe = Deno.serve.bind(Deno);
// deno-lint-ignore no-explicit-any
(Deno as any).serve = (opts: any, handler?: any) =>
  typeof opts === "object" && opts !== null && typeof opts !== "function"
    ? origServe({ hostname: "127.0.0.1", ...opts }, handler)
    : origServe(opts, handler);
