// Pods of the configured namespaces, read the way any in-cluster client does it: the mounted
// service account token and CA, and https://kubernetes.default.svc.
import type { Context } from "pipedreamer";

const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

export default async function run(ctx: Context, _input: unknown) {
  const token = (await Deno.readTextFile(`${SERVICE_ACCOUNT}/token`)).trim();
  const ca = await Deno.readTextFile(`${SERVICE_ACCOUNT}/ca.crt`);
  const client = Deno.createHttpClient({ caCerts: [ca] });
  const namespaces: string[] = ctx.config.namespaces ?? ["default"];
  const pods = [];
  for (const namespace of namespaces) {
    const response = await fetch(`https://kubernetes.default.svc/api/v1/namespaces/${namespace}/pods`, {
      client,
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`listing pods in ${namespace}: ${response.status} ${body.message}`);
    for (const pod of body.items) {
      const statuses = pod.status?.containerStatuses ?? [];
      pods.push({
        namespace,
        name: pod.metadata.name,
        phase: pod.status?.phase ?? "Unknown",
        restarts: statuses.reduce((sum: number, s: any) => sum + (s.restartCount ?? 0), 0),
        waiting: statuses.map((s: any) => s.state?.waiting?.reason).filter(Boolean),
      });
    }
  }
  client.close();
  return pods;
}
