// One request per configured endpoint, all at once; each result says what came back and how long
// it took. A timeout or connection error is a result too, not a failure of the node.
import type { Context } from "pipedreamer";

interface Endpoint {
  name: string;
  url: string;
  expect_status?: number;
}

export default async function run(ctx: Context, _input: unknown) {
  const endpoints: Endpoint[] = ctx.config.endpoints ?? [];
  const timeoutMs: number = ctx.config.probe_timeout_ms ?? 5000;
  return await Promise.all(endpoints.map(async (endpoint) => {
    const started = performance.now();
    try {
      const response = await fetch(endpoint.url, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      return {
        name: endpoint.name,
        status: response.status,
        expected: endpoint.expect_status ?? 200,
        ms: Math.round(performance.now() - started),
      };
    } catch (error) {
      return { name: endpoint.name, status: 0, expected: endpoint.expect_status ?? 200, ms: Math.round(performance.now() - started), error: String(error) };
    }
  }));
}
