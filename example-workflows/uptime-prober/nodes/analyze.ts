// Classifies every probe as up, slow or down and writes the one-line summary a human reads.
import type { Context } from "pipedreamer";

interface Probe {
  name: string;
  status: number;
  expected: number;
  ms: number;
  error?: string;
}

export default async function run(ctx: Context, probes: Probe[]) {
  const slowMs: number = ctx.config.slow_ms ?? 800;
  const down = probes.filter((p) => p.status !== p.expected);
  const slow = probes.filter((p) => p.status === p.expected && p.ms > slowMs);
  const reasons = [
    ...down.map((p) => `${p.name} down (${p.error ?? `HTTP ${p.status}, expected ${p.expected}`})`),
    ...slow.map((p) => `${p.name} slow (${p.ms} ms > ${slowMs} ms)`),
  ];
  const up = probes.length - down.length;
  return {
    checked: probes.length,
    up,
    down: down.map((p) => p.name),
    slow: slow.map((p) => p.name),
    availability: probes.length === 0 ? 1 : Math.round((up / probes.length) * 1000) / 1000,
    summary: reasons.length === 0 ? `all ${probes.length} endpoints up` : reasons.join("; "),
    alert: reasons.length > 0,
  };
}
