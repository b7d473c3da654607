// Posts the summary to Slack's incoming webhook, only when the analysis raised an alert.
import type { Context } from "pipedreamer";

export default async function run(ctx: Context, report: { alert: boolean; summary: string; availability: number }) {
  if (!report.alert) return { sent: false };
  const webhook: string | undefined = ctx.secrets.slack?.webhook_url;
  if (!webhook) throw new Error("secret slack.webhook_url is not set");
  const response = await fetch(webhook, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      text: `:rotating_light: ${report.summary}`,
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: `*Uptime alert* — availability ${(report.availability * 100).toFixed(1)}%` } },
        { type: "section", text: { type: "mrkdwn", text: report.summary } },
      ],
    }),
  });
  if (!response.ok) throw new Error(`Slack answered ${response.status}: ${await response.text()}`);
  ctx.log.info(`alert sent: ${report.summary}`);
  return { sent: true };
}
