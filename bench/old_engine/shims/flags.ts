// Minimal stand-in for std/flags parse(): --key value, --key=value, booleans, defaults.
export function parse(args: string[], opts: { string?: string[]; boolean?: string[]; default?: Record<string, unknown> } = {}) {
  const out: Record<string, unknown> = { _: [], ...(opts.default ?? {}) };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) { (out._ as string[]).push(a); continue; }
    const eq = a.indexOf("=");
    const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (opts.boolean?.includes(key)) out[key] = eq >= 0 ? a.slice(eq + 1) !== "false" : true;
    else if (eq >= 0) out[key] = a.slice(eq + 1);
    else out[key] = args[++i] ?? "";
  }
  return out as Record<string, any>;
}
