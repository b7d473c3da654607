import type { Context } from "pipedreamer";

// Posts the digest to the chat webhook whose URL is the `slack` secret's `webhook_url`.
export default async function run(ctx: Context, input: { text: string }): Promise<{ posted: boolean }> {
  const url = ctx.secrets.slack?.webhook_url;
  if (!url) {
    ctx.log.warn("no slack.webhook_url secret; printing the digest instead");
    ctx.log.info(input.text);
    return { posted: false };
  }
  const res = await ctx.fetch("slack", url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text: input.text }),
  });
  return { posted: res.ok };
}
