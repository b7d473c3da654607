import type { Context } from "pipedreamer";

type Upstream = {
  "fetch-pulls": { pulls: { number: number; title: string }[] };
  "fetch-issues": { issues: { number: number; title: string }[] };
};

// Fan-in: one text digest from both upstream nodes, capped at config.max_items lines each.
export default async function run(ctx: Context, input: Upstream): Promise<{ text: string }> {
  const max = Number(ctx.config.max_items ?? 20);
  const pulls = input["fetch-pulls"].pulls.slice(0, max);
  const issues = input["fetch-issues"].issues.slice(0, max);
  const lines = [
    `Merged: ${pulls.length}, open issues: ${issues.length}`,
    ...pulls.map((p) => `PR #${p.number} ${p.title}`),
    ...issues.map((i) => `Issue #${i.number} ${i.title}`),
  ];
  return { text: lines.join("\n") };
}
