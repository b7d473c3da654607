// Revenue totals per region and per product (in cents, so sums stay exact), and the top sellers.
import type { Context } from "pipedreamer";

interface Row {
  region: string;
  product: string;
  quantity: number;
  unitPrice: number;
}

function add(totals: Record<string, number>, key: string, cents: number) {
  totals[key] = (totals[key] ?? 0) + cents;
}

export default async function run(ctx: Context, rows: Row[]) {
  const byRegion: Record<string, number> = {};
  const byProduct: Record<string, number> = {};
  let total = 0;
  for (const row of rows) {
    const cents = Math.round(row.quantity * row.unitPrice * 100);
    add(byRegion, row.region, cents);
    add(byProduct, row.product, cents);
    total += cents;
  }
  const top = Object.entries(byProduct)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, ctx.config.top ?? 3)
    .map(([product, cents]) => ({ product, cents }));
  return { lines: rows.length, totalCents: total, byRegion, byProduct, top };
}
