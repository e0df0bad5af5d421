#!/usr/bin/env bash
# Configures (once) and builds redoubt into BUILD_DIR (default: build).
#   scripts/build.sh [BUILD_DIR] [extra meson setup options...]
# Examples: scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false
#           CXX=clang++ scripts/build.sh build-fuzz -Dfuzzing=true -Dtests=false
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "$@"
fi
ninja -C "$dir"
