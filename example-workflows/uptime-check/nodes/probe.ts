import type { Context } from "pipedreamer";

export interface ProbeResult {
  url: string;
  ok: boolean;
  status: number;
  ms: number;
}

// GETs every configured endpoint concurrently; a network error counts as status 0.
export default async function run(ctx: Context, _input: unknown): Promise<{ results: ProbeResult[] }> {
  const endpoints = (ctx.config.endpoints ?? []) as string[];
  const results = await Promise.all(
    endpoints.map(async (url): Promise<ProbeResult> => {
      const started = Date.now();
      try {
        const res = await fetch(url, { method: "GET" });
        return { url, ok: res.ok, status: res.status, ms: Date.now() - started };
      } catch (_err) {
        return { url, ok: false, status: 0, ms: Date.now() - started };
      }
    }),
  );
  return { results };
}
