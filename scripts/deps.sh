#!/usr/bin/env bash
# Installs what the build and the tests need on Debian 12, and nothing that is already there.
# Idempotent: a second run checks and returns in well under a second.
#   - Debian packages (compilers, libraries, nats-server)
#   - V8 from Debian's libnode108 + libnode-dev, unpacked into a build-local prefix
#     ($PD_DEPS_DIR, default .deps/ in the repo), because apt refuses them beside Node.js 20
#   - Node.js + npm for build-time JS tooling, only where `node` is missing
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps_dir=${PD_DEPS_DIR:-$repo/.deps}
libnode_prefix=$deps_dir/libnode

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates clang-format clang-tidy
  libcli11-dev libyaml-cpp-dev libyaml-dev nlohmann-json3-dev libnats-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libuv1-dev zlib1g-dev nats-server
  libevent-dev libhttp-parser-dev  # pd-engine's HTTP server (event loops, request parsing)
  libgoogle-perftools-dev  # tcmalloc (minimal), pd-engine's allocator
  wrk  # load generator for bench/
  # runtime libraries of libnode108 (installed normally; libnode itself is unpacked below)
  libuv1 libicu72 libbrotli1 libc-ares2 libnghttp2-14 zlib1g
  tzdata  # time zones of cron triggers
)

missing=()
for p in "${packages[@]}"; do
  case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" in
    "install ok installed") ;;
    *) missing+=("$p") ;;
  esac
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The tests drive a real kubectl; Debian's kubernetes-client only where none is installed.
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)

need_libnode=0
[ -f "$libnode_prefix/usr/include/node/v8.h" ] && \
  [ -e "$libnode_prefix/usr/lib/x86_64-linux-gnu/libnode.so.108" ] || need_libnode=1

# Build-time JS tooling (sucrase + esbuild, pinned by the lock file); refreshed when the lock
# file changes.
tooling=$repo/engine/js/tooling
need_npm=0
[ -f "$tooling/node_modules/.package-lock.json" ] && \
  cmp -s "$tooling/package-lock.json" "$tooling/node_modules/.pd-installed-lock" || need_npm=1

if [ ${#missing[@]} -eq 0 ] && [ $need_libnode -eq 0 ] && [ $need_npm -eq 0 ]; then
  exit 0
fi

apt_updated=0
apt_update() {
  if [ $apt_updated -eq 0 ]; then
    echo "deps: apt-get update"
    "${sudo[@]}" apt-get update -qq
    apt_updated=1
  fi
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  apt_update
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ $need_libnode -eq 1 ]; then
  echo "deps: unpacking libnode108 + libnode-dev (V8 10.2) into $libnode_prefix"
  mkdir -p "$deps_dir"
  tmp=$(mktemp -d "$deps_dir/download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # apt-get download works without root and with no Node.js installed; it needs current lists.
  if ! (cd "$tmp" && apt-get download -qq libnode108 libnode-dev 2>/dev/null); then
    apt_update
    (cd "$tmp" && apt-get download -qq libnode108 libnode-dev)
  fi
  rm -rf "$libnode_prefix.new"
  mkdir -p "$libnode_prefix.new"
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$libnode_prefix.new"; done
  rm -rf "$libnode_prefix"
  mv "$libnode_prefix.new" "$libnode_prefix"
fi
if [ $need_npm -eq 1 ]; then
  echo "deps: npm ci (build-time JS tooling in engine/js/tooling)"
  (cd "$tooling" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$tooling/package-lock.json" "$tooling/node_modules/.pd-installed-lock"
fi
echo "deps: ready"
