#!/usr/bin/env bash
# The LMDB cache under the real daemon against the lab: restart, kill -9 x50, full map
# (cache_lab.py says what each shows). Brings the lab up first unless it is already up.
# Ends with "cache: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lab/lib/common.sh"
bin=${REDOUBT_BIN:-$root/${REDOUBT_BUILD_DIR:-build}/resolver/redoubt}
work=$(mktemp -d /tmp/redoubt-cache.XXXXXX)
address=127.53.203.1 started_lab=0
cleanup() {
  pkill -9 -f -- "$work/cache-test.yaml" 2>/dev/null
  ip addr del "$address/32" dev lo 2>/dev/null
  [ $started_lab -eq 1 ] && "$root/tests/lab/lab" down >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
if ! dig +time=1 +tries=1 +short @"$(zone_address .)" . SOA 2>/dev/null | grep -q .; then
  "$root/tests/lab/lab" up || { echo "cache: 0 passed, 1 failed"; exit 1; }
  started_lab=1
fi
ip addr add "$address/32" dev lo 2>/dev/null
timeout 900 /usr/bin/python3 "$here/cache_lab.py" "$bin" "$LAB_DIR" "$work" "$address" "$@"
