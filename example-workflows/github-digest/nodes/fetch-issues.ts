import type { Context } from "pipedreamer";

interface Issue {
  number: number;
  title: string;
  pull_request?: unknown;
}

// Open issues of the configured repository (the issues API also lists pull requests; drop them).
export default async function run(ctx: Context, _input: unknown): Promise<{ issues: Issue[] }> {
  const repo = ctx.config.repository as string;
  const res = await ctx.fetch("github", `/repos/${repo}/issues?state=open&per_page=50`);
  const issues = ((await res.json()) as Issue[]).filter((i) => i.pull_request === undefined);
  return { issues };
}
