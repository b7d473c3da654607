#!/usr/bin/env bash
# pd-engine serve under wrk (-t2 -c16): executions/s and latency of a trivial 3-node workflow via
# POST /run, against the old Deno-based engine serving the same workflow in the same run
# (bench/old_engine/serve.sh; skipped when its source is not available), plus GET /health of our
# server as the HTTP floor. Three views, each in ROUNDS rounds (default 3) of 3 s per server,
# taking turns so that drift in this VM's speed hits both alike; medians are reported:
#   saturated   — wrk as fast as it can, on the same cores as the server (the issue's setting);
#   equal load  — the same, with 1 ms of think time per connection, so that both servers serve
#                 about the same rate and p99 compares like with like;
#   split cores — each server confined to CPU 0 (ours then starts one isolate), wrk on CPU 1: a
#                 core's worth of server, with no load generator competing for it.
# HTTP_LOOP=isolates|single measures that `--http-loop` instead of the default (auto); each view
# names where our server served HTTP (its `serving` log line).
set -euo pipefail
build=${1:?build dir}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rounds=${ROUNDS:-3}
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT
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
# The old engine's format: nodes.<name>.path, .ts files.
mkdir -p "$tmp/old/nodes"
sed 's|nodes/step.js|./nodes/step.ts|' "$tmp/wf/workflow.yaml" > "$tmp/old/workflow.yaml"
echo 'export default async function run(_ctx: unknown, input: any) { return { n: (input?.n ?? 0) + 1 }; }' > "$tmp/old/nodes/step.ts"
cat > "$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"n": 0}'
wrk.headers["Content-Type"] = "application/json"
LUA
{ cat "$tmp/post.lua"; echo 'function delay() return 1 end'; } > "$tmp/paced.lua"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Each start_* runs the server behind an optional command prefix (e.g. taskset -c 0) and sets
# $port and $pid (the server's own process, whose CPU is counted).
start_ours() {
  port=$(free_port)
  "$@" "$build/engine/cli/pd-engine" serve --workflow "$tmp/wf" --host 127.0.0.1 --port "$port" \
    --secrets-dir "$tmp/none" --config-dir "$tmp/none" --cache-dir "$tmp/cache" \
    --http-loop "${HTTP_LOOP:-auto}" >"$tmp/ours-$port.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    if curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1; then
      loop=$(grep -o '"httpLoop":"[a-z]*"' "$tmp/ours-$port.log" | cut -d'"' -f4)
      return 0
    fi
    sleep 0.05
  done
  echo "pd-engine did not start: $(tail -3 "$tmp/ours-$port.log")" >&2
  return 1
}
# Returns 1 (with the reason on stderr) when the old engine is not available.
start_old() {
  port=$(free_port)
  "$@" "$here/old_engine/serve.sh" "$build/old-engine" "$port" "$tmp/old/workflow.yaml" \
    >"$tmp/old-$port.log" 2>&1 &
  pid=$!  # serve.sh (and taskset) exec deno: this is the anchor's process
  pids+=("$pid")
  for _ in $(seq 200); do
    curl -sf -X POST -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$port/run" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "$(tail -1 "$tmp/old-$port.log")" >&2
  return 1
}

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
# wrk (behind the prefix in $wrk_prefix, if any) against URL, extra wrk arguments first, while
# counting server PID's CPU.
wrk_prefix=()
measure() {
  local pid=$1; shift
  local before; before=$(cpu_ticks "$pid")
  local report; report=$("${wrk_prefix[@]}" wrk -t2 -c16 -d3s --latency "$@")
  echo "$report" | summary $(( $(cpu_ticks "$pid") - before ))
}

start_ours
ours_port=$port ours_pid=$pid loop_shared=$loop
echo "  floor GET /health, our server: $(measure "$ours_pid" "http://127.0.0.1:$ours_port/health")"
anchor=1
if ! start_old 2>"$tmp/why"; then
  echo "  anchor (old Deno engine): not available — $(cat "$tmp/why")"
  anchor=0
fi
old_port=$port old_pid=$pid

ours=() theirs=() ours_paced=() theirs_paced=()
for _ in $(seq "$rounds"); do
  ours+=("$(measure "$ours_pid" -s "$tmp/post.lua" "http://127.0.0.1:$ours_port/run")")
  [ $anchor -eq 1 ] && theirs+=("$(measure "$old_pid" -s "$tmp/post.lua" "http://127.0.0.1:$old_port/run")")
  ours_paced+=("$(measure "$ours_pid" -s "$tmp/paced.lua" "http://127.0.0.1:$ours_port/run")")
  [ $anchor -eq 1 ] && theirs_paced+=("$(measure "$old_pid" -s "$tmp/paced.lua" "http://127.0.0.1:$old_port/run")")
done
kill "$ours_pid" "$old_pid" 2>/dev/null || true

ours_split=() theirs_split=()
if [ "$(nproc)" -ge 2 ]; then
  start_ours taskset -c 0
  ours_port=$port ours_pid=$pid loop_split=$loop
  if [ $anchor -eq 1 ]; then start_old taskset -c 0 2>/dev/null; old_port=$port old_pid=$pid; fi
  wrk_prefix=(taskset -c 1)
  for _ in $(seq "$rounds"); do
    ours_split+=("$(measure "$ours_pid" -s "$tmp/post.lua" "http://127.0.0.1:$ours_port/run")")
    [ $anchor -eq 1 ] && theirs_split+=("$(measure "$old_pid" -s "$tmp/post.lua" "http://127.0.0.1:$old_port/run")")
  done
fi

python3 - "$rounds" "$loop_shared" "${loop_split:-}" "${ours[@]}" "${theirs[@]}" "${ours_paced[@]}" \
  "${theirs_paced[@]}" "${ours_split[@]}" "${theirs_split[@]}" <<'PY'
import re, statistics, sys
n, loop, loop_split, runs = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
anchor = len(runs) >= 4 * n
views = ["saturated", "equal load", "split cores"]
groups = {}
for view in views:
    for who in ("ours", "old") if anchor else ("ours",):
        if len(runs) >= n:
            groups[(view, who)], runs = runs[:n], runs[n:]
def fig(runs):
    rps = statistics.median(float(re.match(r"([\d,]+)", t).group(1).replace(",", "")) for t in runs)
    p99 = statistics.median(float(re.search(r"p99 ([\d.]+)", t).group(1)) for t in runs)
    cpu = statistics.median(float(re.search(r"cpu ([\d.]+)", t).group(1)) for t in runs)
    return rps, p99, cpu
old_name = "old engine (randybias/tentacular@653616c under Deno 2.9.6)"
what = {
    "saturated": f"wrk -t2 -c16 on the same cores as the server (ours: HTTP loop {loop})",
    "equal load": "the same with 1 ms think time per connection (both serve about the same rate)",
    "split cores": f"server on CPU 0 (ours: 1 isolate, HTTP loop {loop_split}), wrk -t2 -c16 on CPU 1",
}
for view in views:
    if (view, "ours") not in groups:
        continue
    o = fig(groups[(view, "ours")])
    print(f"  POST /run, 3-node trivial workflow, {view}: {what[view]}; median of {n} rounds")
    print(f"    ours {o[0]:,.0f}/s p99 {o[1]:.2f} ms cpu {o[2]:.1f} us/req; rounds: " + " | ".join(groups[(view, "ours")]))
    if (view, "old") in groups:
        a = fig(groups[(view, "old")])
        print(f"    anchor {old_name} {a[0]:,.0f}/s p99 {a[1]:.2f} ms cpu {a[2]:.1f} us/req; rounds: " + " | ".join(groups[(view, "old")]))
        target = " (target >= 1.5x)" if view == "saturated" else ""
        print(f"    ratio {o[0] / a[0]:.2f}x the old engine's throughput{target}, p99 {o[1]:.2f} vs {a[1]:.2f} ms, CPU per request {o[2]:.1f} vs {a[2]:.1f} us")
PY
