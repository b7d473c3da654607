import type { Context } from "pipedreamer";

interface PullRequest {
  number: number;
  title: string;
  merged_at: string | null;
}

// Pull requests of the configured repository merged in the last 24 hours.
export default async function run(ctx: Context, _input: unknown): Promise<{ pulls: PullRequest[] }> {
  const repo = ctx.config.repository as string;
  const res = await ctx.fetch("github", `/repos/${repo}/pulls?state=closed&per_page=50`);
  const all = (await res.json()) as PullRequest[];
  const since = Date.now() - 24 * 60 * 60 * 1000;
  const pulls = all.filter((p) => p.merged_at !== null && Date.parse(p.merged_at) >= since);
  ctx.log.info(`found ${pulls.length} merged pull requests`);
  return { pulls };
}
