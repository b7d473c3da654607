#!/usr/bin/env bash
# pd-engine serve under wrk (-t2 -c16): executions/s and latency of a trivial 3-node workflow via
# POST /run, against the old Deno-based engine serving the same workflow in the same run
# (bench/old_engine/serve.sh; skipped when its source is not available), plus GET /health of our
# server as the HTTP floor. Both servers stay up and take turns, 3 s each for ROUNDS rounds
# (default 3), so that drift in this VM's speed hits both alike; medians are reported.
# HTTP_LOOP=single measures `--http-loop single` (one event loop) instead of the default.
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
  --secrets-dir "$tmp/none" --config-dir "$tmp/none" --cache-dir "$tmp/cache" \
  --http-loop "${HTTP_LOOP:-isolates}" >"$tmp/log" 2>&1 &
engine=$!
trap 'kill $engine 2>/dev/null; wait $engine 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.05; done
cat > "$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"n": 0}'
wrk.headers["Content-Type"] = "application/json"
LUA
# A wrk report as "N/s p50 … p99 …", and with a server's pid, its CPU per request (user +
# system, from /proc): what a request costs, however noisy this VM's wall clock is.
summary() {
  python3 -c '
import re, sys
text = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
requests = int(re.search(r"(\d+) requests in", text).group(1))
def pct(p):
    m = re.search(p + r"%\s+([\d.]+)(us|ms|s)", text)
    v = float(m.group(1)); unit = m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
p50, p99 = pct("50"), pct("99")
cpu = f" cpu {float(sys.argv[1]) * 1e4 / requests:.1f} us/req" if len(sys.argv) > 1 else ""
print(f"{rps:,.0f}/s p50 {p50:.2f} ms p99 {p99:.2f} ms{cpu}")' "$@"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # clock ticks, 100 a second
# wrk against URL (extra wrk arguments first) while counting server PID's CPU.
measure() {
  local pid=$1; shift
  local before; before=$(cpu_ticks "$pid")
  local report; report=$(wrk -t2 -c16 -d3s --latency "$@")
  echo "$report" | summary $(( $(cpu_ticks "$pid") - before ))
}
health=$(measure $engine "http://127.0.0.1:$port/health")
echo "  floor GET /health, our server: $health"
# The anchor: the old engine on the same workflow (its format: nodes.<name>.path, .ts files).
mkdir -p "$tmp/old/nodes"
sed 's|nodes/step.js|./nodes/step.ts|' "$tmp/wf/workflow.yaml" > "$tmp/old/workflow.yaml"
echo 'export default async function run(_ctx: unknown, input: any) { return { n: (input?.n ?? 0) + 1 }; }' > "$tmp/old/nodes/step.ts"
old_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$(dirname "${BASH_SOURCE[0]}")/old_engine/serve.sh" "$build/old-engine" "$old_port" "$tmp/old/workflow.yaml" >"$tmp/old.log" 2>&1 &
old=$!  # serve.sh execs deno: this pid is the anchor's process, whose CPU is counted
trap 'kill $engine $old 2>/dev/null; wait $engine $old 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do
  curl -sf -X POST -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$old_port/run" >/dev/null 2>&1 && break
  kill -0 $old 2>/dev/null || break
  sleep 0.05
done
anchor=1
if ! kill -0 $old 2>/dev/null; then
  echo "  anchor (old Deno engine): not available — $(tail -1 "$tmp/old.log")"
  anchor=0
fi
ours=() theirs=()
for _ in $(seq "${ROUNDS:-3}"); do
  ours+=("$(measure $engine -s "$tmp/post.lua" "http://127.0.0.1:$port/run")")
  [ $anchor -eq 1 ] && theirs+=("$(measure $old -s "$tmp/post.lua" "http://127.0.0.1:$old_port/run")")
done
python3 - "${#ours[@]}" "${ours[@]}" "${theirs[@]}" <<'PY'
import os, re, statistics, sys
n = int(sys.argv[1])
ours, old = sys.argv[2:2 + n], sys.argv[2 + n:]
def fig(runs):
    rps = statistics.median(float(re.match(r"([\d,]+)", t).group(1).replace(",", "")) for t in runs)
    p99 = statistics.median(float(re.search(r"p99 ([\d.]+)", t).group(1)) for t in runs)
    cpu = statistics.median(float(re.search(r"cpu ([\d.]+)", t).group(1)) for t in runs)
    return rps, p99, cpu
o = fig(ours)
print(f"  POST /run, 3-node trivial workflow, --http-loop {os.environ.get('HTTP_LOOP', 'isolates')}, median of {n} rounds: {o[0]:,.0f}/s p99 {o[1]:.2f} ms")
print("    rounds: " + " | ".join(ours))
if old:
    a = fig(old)
    print(f"  anchor old engine (randybias/tentacular@653616c under Deno 2.9.6), same workflow: {a[0]:,.0f}/s p99 {a[1]:.2f} ms")
    print("    rounds: " + " | ".join(old))
    print(f"  ratio {o[0] / a[0]:.2f}x the old engine's throughput (target >= 1.5x), p99 {o[1]:.2f} vs {a[1]:.2f} ms")
    print(f"  server CPU per request (median): ours {o[2]:.1f} us, the old engine {a[2]:.1f} us")
PY
