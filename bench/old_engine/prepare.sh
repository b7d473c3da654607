#!/usr/bin/env bash
# Prepares WORK to run the old Pipedreamer (randybias/tentacular@653616c) under Deno from npm
# (bench/deno): its source, unchanged, in WORK/src; import_map.json mapping std/* (yaml from npm,
# path from node:, flags from a small shim) and the shims; node_modules. Needs a git copy of the
# old repository in $OLD_PIPEDREAMER_GIT (e.g. the bare mirror the tool library's
# `fetch github:randybias/tentacular` makes). Exit 3 when it is not available.
set -euo pipefail
work=${1:?work dir}
mkdir -p "$work" && work=$(cd "$work" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
git_dir=${OLD_PIPEDREAMER_GIT:-}
deno_dir=$here/../deno
commit=653616c2d238bd671defd8ef067ae1c0e3041cd0
if [ ! -f "$work/src/engine/main.ts" ]; then
  [ -n "$git_dir" ] && git --git-dir="$git_dir" cat-file -e "$commit" 2>/dev/null ||
    { echo "old engine source not available: set OLD_PIPEDREAMER_GIT to a git copy of randybias/tentacular" >&2; exit 3; }
  mkdir -p "$work/src" && git --git-dir="$git_dir" archive "$commit" | tar -x -C "$work/src"
fi
[ -x "$deno_dir/node_modules/.bin/deno" ] || (cd "$deno_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
cp -r "$here/import_map.json" "$here/shims" "$work/"
ln -sfn "$deno_dir/node_modules" "$work/node_modules"
