#!/usr/bin/env bash
# The old Pipedreamer engine (randybias/tentacular@653616c, engine/main.ts) under Deno from npm
# (bench/deno), serving WORKFLOW_DIR on 127.0.0.1:PORT in the foreground — the benchmark anchor
# for pd-engine serve. Its source is unchanged: std/* imports are mapped by import_map.json
# (yaml from npm, path from node:, flags from a small shim) and a preload binds Deno.serve to
# loopback. Needs a git copy of the old repository in $OLD_PIPEDREAMER_GIT (e.g. the bare mirror
# the tool library's `fetch github:randybias/tentacular` makes). Exit 3 when it is not available.
set -euo pipefail
work=${1:?work dir} port=${2:?port} workflow=${3:?workflow.yaml}
mkdir -p "$work" && work=$(cd "$work" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
git_dir=${OLD_PIPEDREAMER_GIT:-}
deno_dir=$here/../deno
commit=653616c2d238bd671defd8ef067ae1c0e3041cd0
mkdir -p "$work"
if [ ! -f "$work/src/engine/main.ts" ]; then
  [ -n "$git_dir" ] && git --git-dir="$git_dir" cat-file -e "$commit" 2>/dev/null ||
    { echo "old engine source not available: set OLD_PIPEDREAMER_GIT to a git copy of randybias/tentacular" >&2; exit 3; }
  mkdir -p "$work/src" && git --git-dir="$git_dir" archive "$commit" | tar -x -C "$work/src"
fi
[ -x "$deno_dir/node_modules/.bin/deno" ] || (cd "$deno_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
cp -r "$here/import_map.json" "$here/shims" "$work/"
ln -sfn "$deno_dir/node_modules" "$work/node_modules"
export DENO_DIR="$work/deno_dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
cd "$work"
exec "$deno_dir/node_modules/.bin/deno" run --no-config --import-map "$work/import_map.json" \
  --node-modules-dir=manual --no-lock --no-check --cached-only \
  --allow-net --allow-read --allow-write=/tmp --allow-env \
  --preload "$work/shims/bind-loopback.ts" \
  "$work/src/engine/main.ts" --workflow "$workflow" --port "$port"
