#!/usr/bin/env bash
# The old Pipedreamer engine (randybias/tentacular@653616c, engine/main.ts) under Deno from npm
# (bench/deno), serving WORKFLOW_DIR on 127.0.0.1:PORT in the foreground — the benchmark anchor
# for pd-engine serve. Its source is unchanged (see prepare.sh); a preload binds Deno.serve to
# loopback. Exit 3 when the old source is not available (OLD_PIPEDREAMER_GIT).
set -euo pipefail
work=${1:?work dir} port=${2:?port} workflow=${3:?workflow.yaml}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deno_dir=$here/../deno
"$here/prepare.sh" "$work"
work=$(cd "$work" && pwd)
export DENO_DIR="$work/deno_dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
cd "$work"
exec "$deno_dir/node_modules/.bin/deno" run --no-config --import-map "$work/import_map.json" \
  --node-modules-dir=manual --no-lock --no-check --cached-only \
  --allow-net --allow-read --allow-write=/tmp --allow-env \
  --preload "$work/shims/bind-loopback.ts" \
  "$work/src/engine/main.ts" --workflow "$workflow" --port "$port"
