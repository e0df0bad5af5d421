#!/usr/bin/env bash
# Runs a lab test (its arguments) with redoubt's upstream sockets reused (net/io/udp_poller.h):
# in a network namespace this script creates, whose ephemeral port range is 1024-65535 (the
# range belongs to the namespace; the host's is not touched), with a lab of its own brought up
# there and taken down again whatever the test did. Needs root (unshare -n). Its exit status and
# output are the test's.
#
#   tests/integration/in_wide_port_range.sh tests/integration/resolve_lab.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 TEST [ARGS...]"; exit 2; }
lab_dir=$(mktemp -d /tmp/redoubt-wide-lab.XXXXXX)
trap 'rm -rf "$lab_dir"' EXIT
unshare -n env REDOUBT_LAB_DIR="$lab_dir" bash -c '
  cd "$0" || exit 1
  ip link set lo up || exit 1
  sysctl -qw net.ipv4.ip_local_port_range="1024 65535" || exit 1
  echo "in_wide_port_range: ephemeral range $(tr -s "[:space:]" " " </proc/sys/net/ipv4/ip_local_port_range)"
  tests/lab/lab up >/dev/null || { echo "in_wide_port_range: the lab did not come up"; tests/lab/lab down >/dev/null 2>&1; exit 1; }
  bash "$@"; rc=$?
  tests/lab/lab down >/dev/null 2>&1
  exit $rc' "$root" "$@"
