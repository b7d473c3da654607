#!/usr/bin/env bash
# pd-engine serve under wrk (-t2 -c16, 5 s): executions/s and latency of a trivial 3-node workflow
# via POST /run; anchor: GET /health of the same server in the same run (the HTTP floor).
# (The old Deno engine did ~7,300 executions/s, p99 4.9 ms on this kind of machine:
# ../shared/research/platform-notes.md; running it here needs its std imports mapped.)
set -euo pipefail
build=${1:?build dir}
tmp=$(mktemp -d)
mkdir -p "$tmp/wf/nodes"
cat > "$tmp/wf/workflow.yaml" <<'YAML'
name: trivial
version: "1.0"
triggers: [{type: manual}]
nodes:
  a: {path: nodes/step.js}
  b: {path: nodes/step.js}
  c: {path: nodes/step.js}
edges:
  - {from: a, to: b}
  - {from: b, to: c}
YAML
echo 'export default (_ctx, input) => ({ n: (input.n ?? 0) + 1 });' > "$tmp/wf/nodes/step.js"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$build/engine/cli/pd-engine" serve --workflow "$tmp/wf" --host 127.0.0.1 --port "$port" \
  --secrets-dir "$tmp/none" --config-dir "$tmp/none" --cache-dir "$tmp/cache" >"$tmp/log" 2>&1 &
engine=$!
trap 'kill $engine 2>/dev/null; wait $engine 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.05; done
cat > "$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"n": 0}'
wrk.headers["Content-Type"] = "application/json"
LUA
summary() {
  python3 -c '
import re, sys
text = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def pct(p):
    m = re.search(p + r"%\s+([\d.]+)(us|ms|s)", text)
    v = float(m.group(1)); unit = m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
p50, p99 = pct("50"), pct("99")
print(f"{rps:,.0f}/s p50 {p50:.2f} ms p99 {p99:.2f} ms")'
}
run=$(wrk -t2 -c16 -d5s --latency -s "$tmp/post.lua" "http://127.0.0.1:$port/run" | summary)
health=$(wrk -t2 -c16 -d5s --latency "http://127.0.0.1:$port/health" | summary)
echo "  POST /run, 3-node trivial workflow: $run (target >= 1.5x the old engine's ~7,300/s, p99 <= 4.9 ms)"
echo "  anchor GET /health, same server: $health"
