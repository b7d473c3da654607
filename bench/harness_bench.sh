#!/usr/bin/env bash
# pd-harness against the old Pipedreamer runner (randybias/tentacular@653616c,
# engine/testing/runner.ts under Deno from npm, std/* mapped by bench/old_engine) on the same
# fixtures in the same run: the old repository's five example workflows that have fixtures, one
# process per workflow as the old runner needs. Both run with warm compile caches (Deno's
# DENO_DIR, pd-harness's --cache-dir), primed by one unmeasured run. Then pd-harness alone: the
# same fixtures in one process, our example suite (cold and warm cache), and the warm per-fixture
# overhead — a trivial node with 401 fixtures against 1, the difference divided by 400. Wall times
# are the median of ROUNDS runs; peak RSS is the largest process. Needs OLD_PIPEDREAMER_GIT for
# the anchor (skipped without).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
harness=$build/harness/pd-harness
rounds=${ROUNDS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PD_CACHE_DIR=$work/pd-cache
old_workflows="github-digest hn-digest pr-digest uptime-prober word-counter"

# Prints "<median wall ms> <max peak RSS KiB>" of running "$@" ROUNDS times (each run may be a
# list of commands separated by ';;' — their walls add up, their RSS is the max).
measure() {
  local walls=() rss=0
  for _ in $(seq "$rounds"); do
    local total=0
    local cmd=()
    for arg in "$@" ';;'; do
      if [ "$arg" = ';;' ]; then
        [ ${#cmd[@]} -eq 0 ] && continue
        local start end peak
        start=$(date +%s%N)
        /usr/bin/time -f %M -o "$work/rss" "${cmd[@]}" >"$work/out" 2>&1 || true
        end=$(date +%s%N)
        peak=$(tail -1 "$work/rss")
        total=$((total + (end - start) / 1000))
        if [ "$peak" -gt "$rss" ]; then rss=$peak; fi
        cmd=()
      else
        cmd+=("$arg")
      fi
    done
    walls+=("$total")
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
  awk -v us="$median" -v rss="$rss" 'BEGIN { printf "%.1f %d\n", us / 1000, rss }'
}

echo "pd-harness benchmark, $(nproc) cores, median of $rounds runs"
if OLD_PIPEDREAMER_GIT=${OLD_PIPEDREAMER_GIT:-} "$root/bench/old_engine/prepare.sh" "$work/old" 2>/dev/null; then
  export DENO_DIR="$work/old/deno_dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
  deno=$root/bench/deno/node_modules/.bin/deno
  old_args=()
  ours_each=()
  dirs=()
  for w in $old_workflows; do
    old_args+=("$deno" run --no-config --import-map "$work/old/import_map.json" --node-modules-dir=manual
      --no-lock --no-check --cached-only --allow-read --allow-net --allow-env
      "$work/old/src/engine/testing/runner.ts" --workflow "$work/old/src/example-workflows/$w/workflow.yaml" ';;')
    ours_each+=("$harness" test "$work/old/src/example-workflows/$w" ';;')
    dirs+=("$work/old/src/example-workflows/$w")
  done
  # The first run fills Deno's compile cache; measured runs are warm for Deno.
  ROUNDS=1 measure "${old_args[@]}" >/dev/null
  ROUNDS=1 measure "${ours_each[@]}" >/dev/null
  fixtures=$(for d in "${dirs[@]}"; do ls "$d/tests/fixtures"; done | wc -l)
  read -r old_ms old_rss < <(measure "${old_args[@]}")
  read -r each_ms each_rss < <(measure "${ours_each[@]}")
  read -r one_ms one_rss < <(measure "$harness" test -j 1 "${dirs[@]}")
  read -r auto_ms auto_rss < <(measure "$harness" test "${dirs[@]}")
  { "$harness" test "${dirs[@]}" || true; } | tail -1 | sed "s/^/  pd-harness on the old examples (one stale fixture fails under both runners): /"
  echo "old examples ($fixtures node fixtures, 5 workflows):"
  echo "  old runner (Deno, 5 processes):       ${old_ms} ms, peak ${old_rss} KiB"
  echo "  pd-harness, 5 processes:              ${each_ms} ms, peak ${each_rss} KiB  ratio $(awk -v a="$old_ms" -v b="$each_ms" 'BEGIN{printf "%.1fx", a/b}')"
  echo "  pd-harness, 1 process, -j 1:          ${one_ms} ms, peak ${one_rss} KiB  ratio $(awk -v a="$old_ms" -v b="$one_ms" 'BEGIN{printf "%.1fx", a/b}')"
  echo "  pd-harness, 1 process, -j $(nproc) (default): ${auto_ms} ms, peak ${auto_rss} KiB  ratio $(awk -v a="$old_ms" -v b="$auto_ms" 'BEGIN{printf "%.1fx", a/b}')"
else
  echo "old runner: skipped (set OLD_PIPEDREAMER_GIT to a git copy of randybias/tentacular)"
fi

cases=$({ "$harness" test "$root/example-workflows" --reporter json || true; } | grep -c "\"status\"")
read -r cold_ms cold_rss < <(measure "$harness" test --cache-dir "" "$root/example-workflows")
read -r suite_ms suite_rss < <(measure "$harness" test -j 1 "$root/example-workflows")
read -r suite_auto_ms _ < <(measure "$harness" test "$root/example-workflows")
echo "our example suite ($cases cases incl. k8s and pipeline fixtures), one process each:"
echo "  no compile cache, -j $(nproc): ${cold_ms} ms, peak ${cold_rss} KiB"
echo "  warm cache, -j 1: ${suite_ms} ms, peak ${suite_rss} KiB;  -j $(nproc): ${suite_auto_ms} ms"

# Warm per-fixture overhead: one runtime per worker, a fresh V8 context per fixture.
make_synthetic() {
  local dir=$1 count=$2
  mkdir -p "$dir/nodes" "$dir/tests/fixtures"
  printf 'name: warm\nversion: "1.0"\ntriggers: [{type: manual}]\nnodes:\n  double: {path: nodes/double.ts}\n' >"$dir/workflow.yaml"
  printf 'export default (_ctx: unknown, input: {n: number}) => ({ n: input.n * 2 });\n' >"$dir/nodes/double.ts"
  for i in $(seq "$count"); do
    printf '{"input": {"n": %d}, "expected": {"n": %d}}\n' "$i" $((i * 2)) >"$dir/tests/fixtures/double.c$i.json"
  done
}
make_synthetic "$work/one" 1
make_synthetic "$work/many" 401
for jobs in 1 "$(nproc)"; do
  read -r one_fixture_ms _ < <(measure "$harness" test -j "$jobs" "$work/one")
  read -r many_ms _ < <(measure "$harness" test -j "$jobs" "$work/many")
  echo "warm per-fixture overhead (trivial node), -j $jobs: 1 fixture ${one_fixture_ms} ms, 401 fixtures ${many_ms} ms"
  awk -v a="$one_fixture_ms" -v b="$many_ms" 'BEGIN { printf "  %.2f ms per fixture (target < 2 ms)\n", (b - a) / 400 }'
done
