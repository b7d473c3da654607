import type { Context } from "pipedreamer";
import type { ProbeResult } from "./probe.ts";

// Splits probe results into down and slow endpoints (slow: over config.slow_ms).
export default async function run(
  ctx: Context,
  input: { results: ProbeResult[] },
): Promise<{ down: string[]; slow: string[]; healthy: boolean }> {
  const slowMs = Number(ctx.config.slow_ms ?? 1000);
  const down = input.results.filter((r) => !r.ok).map((r) => r.url);
  const slow = input.results.filter((r) => r.ok && r.ms > slowMs).map((r) => r.url);
  if (down.length > 0) ctx.log.error(`${down.length} endpoint(s) down`, down);
  return { down, slow, healthy: down.length === 0 };
}
