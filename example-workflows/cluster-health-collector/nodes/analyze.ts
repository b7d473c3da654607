// One health snapshot from the node and pod lists: counts, and every node or pod that needs a
// look, with the reason.
import type { Context } from "pipedreamer";

interface Inputs {
  "collect-nodes": { name: string; ready: boolean; pressure: string[] }[];
  "collect-pods": { namespace: string; name: string; phase: string; restarts: number; waiting: string[] }[];
}

export default async function run(ctx: Context, input: Inputs) {
  const threshold: number = ctx.config.restart_threshold ?? 5;
  const nodes = input["collect-nodes"];
  const pods = input["collect-pods"];
  const problems: { kind: string; name: string; reason: string }[] = [];
  for (const node of nodes) {
    if (!node.ready) problems.push({ kind: "node", name: node.name, reason: "NotReady" });
    for (const pressure of node.pressure) problems.push({ kind: "node", name: node.name, reason: pressure });
  }
  const phases: Record<string, number> = {};
  for (const pod of pods) {
    phases[pod.phase] = (phases[pod.phase] ?? 0) + 1;
    const name = `${pod.namespace}/${pod.name}`;
    if (pod.waiting.length > 0) problems.push({ kind: "pod", name, reason: pod.waiting.join(",") });
    else if (pod.phase === "Failed" || pod.phase === "Unknown") problems.push({ kind: "pod", name, reason: pod.phase });
    if (pod.restarts >= threshold) problems.push({ kind: "pod", name, reason: `${pod.restarts} restarts` });
  }
  return {
    nodes: { total: nodes.length, ready: nodes.filter((n) => n.ready).length },
    pods: { total: pods.length, phases },
    problems,
    healthy: problems.length === 0,
  };
}
