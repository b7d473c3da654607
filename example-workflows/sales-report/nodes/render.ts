// The Markdown report: the total, a table per region, and the top products.
import type { Context } from "pipedreamer";

interface Totals {
  lines: number;
  totalCents: number;
  byRegion: Record<string, number>;
  top: { product: string; cents: number }[];
}

export default async function run(ctx: Context, totals: Totals) {
  const currency: string = ctx.config.currency ?? "EUR";
  const money = (cents: number) => `${(cents / 100).toFixed(2)} ${currency}`;
  const regions = Object.keys(totals.byRegion).sort();
  const markdown = [
    `# Sales report`,
    ``,
    `${totals.lines} line(s), total ${money(totals.totalCents)}`,
    ``,
    `| Region | Revenue |`,
    `| --- | ---: |`,
    ...regions.map((r) => `| ${r} | ${money(totals.byRegion[r])} |`),
    ``,
    `Top products: ${totals.top.map((t, i) => `${i + 1}. ${t.product} (${money(t.cents)})`).join(", ") || "none"}`,
  ].join("\n");
  return { markdown };
}
