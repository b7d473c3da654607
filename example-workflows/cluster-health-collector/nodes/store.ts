// Stores the snapshot as one row (JSONB) so dashboards can chart health over time.
import type { Context } from "pipedreamer";
import { Client } from "jsr:@db/postgres@0.19.5";

export default async function run(ctx: Context, snapshot: { healthy: boolean }) {
  const client = new Client(ctx.secrets.postgres?.url);
  await client.connect();
  try {
    const table: string = ctx.config.table ?? "cluster_health";
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`config.table: "${table}" is not a plain table name`);
    const result = await client.queryObject<{ id: number }>(
      `INSERT INTO ${table} (taken_at, healthy, snapshot) VALUES ($1, $2, $3) RETURNING id`,
      [new Date().toISOString(), snapshot.healthy, JSON.stringify(snapshot)],
    );
    ctx.log.info(`stored snapshot ${result.rows[0].id}`);
    return { stored: true, id: result.rows[0].id };
  } finally {
    await client.end();
  }
}
