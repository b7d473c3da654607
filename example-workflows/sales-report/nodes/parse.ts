// CSV with a header line (region,product,quantity,unit_price) into typed rows. A bad line fails
// the run naming its line number and column, so the sender can fix the file.
import type { Context } from "pipedreamer";

const COLUMNS = ["region", "product", "quantity", "unit_price"];

export default async function run(_ctx: Context, input: { csv: string }) {
  if (typeof input?.csv !== "string") throw new Error("input.csv: expected the CSV text as a string");
  const lines = input.csv.split(/\r?\n/);
  const header = lines[0].split(",").map((h) => h.trim().toLowerCase());
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`line 1: missing column(s) ${missing.join(", ")}`);
  const at = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)]));
  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const cells = lines[i].split(",").map((c) => c.trim());
    const quantity = Number(cells[at.quantity]);
    const unitPrice = Number(cells[at.unit_price]);
    if (!Number.isInteger(quantity) || quantity < 0) throw new Error(`line ${i + 1}: quantity "${cells[at.quantity]}" is not a whole number`);
    if (!Number.isFinite(unitPrice)) throw new Error(`line ${i + 1}: unit_price "${cells[at.unit_price]}" is not a number`);
    rows.push({ region: cells[at.region], product: cells[at.product], quantity, unitPrice });
  }
  return rows;
}
