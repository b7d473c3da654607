// The cluster's nodes through ctx.k8s (the pod's service account), reduced to what the analysis
// needs: readiness, pressure conditions and the kubelet version.
import type { Context } from "pipedreamer";

interface NodeCondition {
  type: string;
  status: string;
}

export default async function run(ctx: Context, _input: unknown) {
  const nodes = await ctx.k8s.list("nodes");
  ctx.log.info(`listed ${nodes.length} node(s)`);
  return nodes.map((node: any) => {
    const conditions: NodeCondition[] = node.status?.conditions ?? [];
    const flagged = conditions.filter((c) => c.type !== "Ready" && c.status === "True").map((c) => c.type);
    return {
      name: node.metadata.name,
      ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
      pressure: flagged.sort(),
      kubelet: node.status?.nodeInfo?.kubeletVersion ?? "unknown",
    };
  });
}
