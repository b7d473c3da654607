import { assertEquals } from "./assert.ts";

export default function run(): string {
  const noon = new Date(Date.UTC(2026, 0, 1, 12));
  assertEquals(noon.toLocaleString("en-US", { timeZone: "America/Los_Angeles" }), "1/1/2026, 4:00:00 AM");
  assertEquals(noon.toLocaleString("en-GB", { timeZone: "Europe/Berlin" }), "01/01/2026, 13:00:00");
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Tokyo", hour: "numeric", hour12: false }).format(noon);
  assertEquals(parts, "21");
  assertEquals(new Intl.NumberFormat("de-DE").format(1234567.891), "1.234.567,891");
  return "ok";
}
