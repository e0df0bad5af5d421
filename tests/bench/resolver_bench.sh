#!/usr/bin/env bash
# Benchmark: redoubt and Unbound (from Debian) side by side on the lab, same run, same load.
# Prints figures; it never passes or fails on them.
#
#   tests/bench/resolver_bench.sh [SECONDS]     (default 10 s per hot workload)
#
# Workloads, each sent by dnsperf (bounded by -l seconds or -n passes):
#   hot         a few names asked again and again (cache hits for a resolver with a cache);
#   cold        20,000 distinct names of big.gamma. (100,000 names, unsigned below a signed
#               parent: insecure answers), each asked once;
#   cold signed 10,000 distinct names of bigsec.alpha. (20,000 names, ECDSA P-256, NSEC), each
#               asked once: every answer is a fresh signature to verify (secure, AD);
# and each resolver's resident memory after them. For every run it also prints the CPU time each
# resolver spends per answered query (user + system time of the whole process, every thread,
# from /proc/PID/stat, over the queries dnsperf saw answered), and at the end the memory one
# in-flight upstream exchange holds (redoubt-inflight-bench). Both resolvers run with two
# threads, QNAME minimisation on, and DNSSEC validation on for every workload, from the lab's
# trust anchor: redoubt with trust-anchors: [$LAB_DIR/root.ds] and builtin-root-anchor: false,
# Unbound with module-config "validator iterator" and trust-anchor-file. (Until the validator
# landed both ran without validation. redoubt now validates by default from its built-in root
# anchor, which the lab's root does not match, so it must be given the lab's. The hot and cold
# big.gamma. rows are measured as before; what validation adds to them is the chain of trust,
# fetched and checked once, and for big.gamma. the proof that its delegation is unsigned.)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lab/lib/common.sh"
seconds=${1:-10}
bin=${REDOUBT_BIN:-$root/${REDOUBT_BUILD_DIR:-build}/resolver/redoubt}
work=$(mktemp -d /tmp/redoubt-bench.XXXXXX)
redoubt_addr=127.53.201.1 unbound_addr=127.53.200.1
pids=() started_lab=0

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  ip addr del "$redoubt_addr/32" dev lo 2>/dev/null
  [ $started_lab -eq 1 ] && "$root/tests/lab/lab" down >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

start_redoubt() {
  ip addr add "$redoubt_addr/32" dev lo 2>/dev/null
  printf '%s\n' "listen: [\"$redoubt_addr:53\"]" "workers: 2" "root-hints: $LAB_DIR/root.hints" \
    "allow-loopback-upstreams: true" "trust-anchors: [\"$LAB_DIR/root.ds\"]" \
    "builtin-root-anchor: false" "cache: {directory: \"$work/redoubt-cache\"}" >"$work/redoubt.yaml"
  "$bin" -c "$work/redoubt.yaml" >"$work/redoubt.log" 2>&1 &
  pids+=($!); redoubt_pid=$!
  wait_for_resolver "$redoubt_addr"
}

start_unbound() {
  cat >"$work/unbound.conf" <<CONF
server:
  interface: $unbound_addr
  num-threads: 2
  do-ip6: no
  do-daemonize: no
  chroot: ""
  username: ""
  directory: "$work"
  pidfile: "$work/unbound.pid"
  use-syslog: no
  logfile: ""
  verbosity: 0
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  root-hints: "$LAB_DIR/root.hints"
  module-config: "validator iterator"
  trust-anchor-file: "$LAB_DIR/root.ds"
  qname-minimisation: yes
  edns-buffer-size: 1232
remote-control:
  control-enable: no
CONF
  unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
  pids+=($!); unbound_pid=$!
  wait_for_resolver "$unbound_addr"
}

# perf ADDRESS FILE ARGS...: prints "qps completed lost"
perf() {
  local address=$1 file=$2; shift 2
  local out; out=$(dnsperf -s "$address" -d "$file" -c 4 -q 64 -t 5 "$@" 2>&1)
  local qps completed lost
  qps=$(sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p' <<<"$out")
  completed=$(sed -n 's/.*Queries completed: *\([0-9]*\).*/\1/p' <<<"$out")
  lost=$(sed -n 's/.*Queries lost: *\([0-9]*\).*/\1/p' <<<"$out")
  echo "${qps:-0} ${completed:-0} ${lost:-0}"
}

# cpu_ticks PID: user + system time of the whole process so far, in clock ticks (proc(5): the
# fields after the command name, which may itself hold spaces, so it is cut at its last ')').
cpu_ticks() {
  local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  awk '{ print $12 + $13 }' <<<"${stat##*) }"
}

# cpu_us_per_query TICKS_BEFORE TICKS_AFTER COMPLETED: microseconds of CPU per answered query.
cpu_us_per_query() {
  awk -v b="$1" -v a="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.1f", (a - b) / hz * 1e6 / n; else print "?" }'
}

# timed_perf RESULT CPU PID ADDRESS FILE ARGS...: perf against ADDRESS, its "qps completed
# lost" left in the caller's variable RESULT, and the CPU microseconds per answered query it
# cost the resolver PID in CPU (no subshell, so that both reach the caller).
timed_perf() {
  local -n result_=$1 cpu_=$2
  local pid=$3; shift 3
  local before after
  before=$(cpu_ticks "$pid")
  result_=$(perf "$@")
  after=$(cpu_ticks "$pid")
  cpu_=$(cpu_us_per_query "$before" "$after" "$(cut -d' ' -f2 <<<"$result_")")
}

# row TITLE REDOUBT UNBOUND REDOUBT_CPU UNBOUND_CPU: queries/s, completed / lost, CPU per query.
row() {
  printf '%-34s %14s %14s\n' "$1, queries/s" "$(cut -d' ' -f1 <<<"$2")" "$(cut -d' ' -f1 <<<"$3")"
  printf '%-34s %14s %14s\n' "  completed / lost" "$(cut -d' ' -f2 <<<"$2")/$(cut -d' ' -f3 <<<"$2")" "$(cut -d' ' -f2 <<<"$3")/$(cut -d' ' -f3 <<<"$3")"
  printf '%-34s %14s %14s\n' "  CPU per query, us" "$4" "$5"
}

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

main() {
  [ -x "$bin" ] || { echo "bench: $bin is missing (build first)"; exit 1; }
  command -v dnsperf >/dev/null || { echo "bench: dnsperf is missing (scripts/install-deps.sh test)"; exit 1; }
  if ! dig +time=1 +tries=1 +short @"$(zone_address .)" . SOA 2>/dev/null | grep -q .; then
    "$root/tests/lab/lab" up >/dev/null || { echo "bench: the lab did not come up"; exit 1; }
    started_lab=1
  fi
  start_redoubt || { echo "bench: redoubt did not start"; cat "$work/redoubt.log"; exit 1; }
  start_unbound || { echo "bench: unbound did not start"; cat "$work/unbound.log"; exit 1; }

  printf '%s A\n' www.alpha. www.beta. www.gamma. www.plain. www.sec.alpha. www.n3.beta. \
    c1.sec.alpha. www.insecure.alpha. >"$work/hot.txt"
  awk 'BEGIN { srand(7); for (i = 0; i < 20000; i++) printf "h%d.big.gamma. A\n", (i * 4999) % 100000 }' \
    >"$work/cold-redoubt.txt"
  # Unbound gets other names of the same zone, so neither warms the other's upstream (the
  # authoritative servers cache nothing per resolver anyway).
  awk 'BEGIN { for (i = 0; i < 20000; i++) printf "h%d.big.gamma. A\n", (i * 4999 + 1) % 100000 }' \
    >"$work/cold-unbound.txt"

  # bigsec.alpha.: redoubt the even names, Unbound the odd ones.
  awk 'BEGIN { for (i = 0; i < 10000; i++) printf "h%d.bigsec.alpha. A\n", 2 * i }' >"$work/signed-redoubt.txt"
  awk 'BEGIN { for (i = 0; i < 10000; i++) printf "h%d.bigsec.alpha. A\n", 2 * i + 1 }' >"$work/signed-unbound.txt"

  local r_hot u_hot r_cold u_cold r_signed u_signed
  local name
  for name in www.alpha. ns.bigsec.alpha.; do  # The chains of trust, before anything is timed.
    dig +short @"$redoubt_addr" "$name" A >/dev/null; dig +short @"$unbound_addr" "$name" A >/dev/null
  done
  local r_cpu0 r_cpu1 u_cpu0 u_cpu1 r_cold_cpu u_cold_cpu r_signed_cpu u_signed_cpu
  r_cpu0=$(cpu_ticks "$redoubt_pid")
  r_hot=$(perf "$redoubt_addr" "$work/hot.txt" -l "$seconds")
  r_cpu1=$(cpu_ticks "$redoubt_pid")
  u_cpu0=$(cpu_ticks "$unbound_pid")
  u_hot=$(perf "$unbound_addr" "$work/hot.txt" -l "$seconds")
  u_cpu1=$(cpu_ticks "$unbound_pid")
  timed_perf r_cold r_cold_cpu "$redoubt_pid" "$redoubt_addr" "$work/cold-redoubt.txt" -n 1 -l 120
  timed_perf u_cold u_cold_cpu "$unbound_pid" "$unbound_addr" "$work/cold-unbound.txt" -n 1 -l 120
  timed_perf r_signed r_signed_cpu "$redoubt_pid" "$redoubt_addr" "$work/signed-redoubt.txt" -n 1 -l 120
  timed_perf u_signed u_signed_cpu "$unbound_pid" "$unbound_addr" "$work/signed-unbound.txt" -n 1 -l 120

  echo "bench: redoubt $(git -C "$root" rev-parse --short HEAD 2>/dev/null) vs $(unbound -V | head -1), lab on loopback, 2 threads each, validating, dnsperf -c 4 -q 64"
  printf '%-34s %14s %14s\n' "workload" "redoubt" "unbound"
  printf '%-34s %14s %14s\n' "hot names, queries/s (${seconds} s)" "$(cut -d' ' -f1 <<<"$r_hot")" "$(cut -d' ' -f1 <<<"$u_hot")"
  printf '%-34s %14s %14s\n' "  completed / lost" "$(cut -d' ' -f2 <<<"$r_hot")/$(cut -d' ' -f3 <<<"$r_hot")" "$(cut -d' ' -f2 <<<"$u_hot")/$(cut -d' ' -f3 <<<"$u_hot")"
  printf '%-34s %14s %14s\n' "cache-hit CPU per query, us" \
    "$(cpu_us_per_query "$r_cpu0" "$r_cpu1" "$(cut -d' ' -f2 <<<"$r_hot")")" \
    "$(cpu_us_per_query "$u_cpu0" "$u_cpu1" "$(cut -d' ' -f2 <<<"$u_hot")")"
  row "cold big.gamma. names" "$r_cold" "$u_cold" "$r_cold_cpu" "$u_cold_cpu"
  row "cold signed names" "$r_signed" "$u_signed" "$r_signed_cpu" "$u_signed_cpu"
  printf '%-34s %14s %14s\n' "resident memory after, MB" "$(rss_mb "$redoubt_pid")" "$(rss_mb "$unbound_pid")"
  echo "bench: both answer 'hot' queries from their caches: redoubt from LMDB (shared by its workers,"
  echo "bench: kept across restarts), Unbound from memory."
  # The LMDB cache on its own: cost of a hit through the answer store, size per million RRsets.
  local cache_bench=$root/${REDOUBT_BUILD_DIR:-build}/redoubt-cache-bench
  [ -x "$cache_bench" ] && "$cache_bench" 1000000 1000000
  # Memory per in-flight upstream exchange: 10,000 UDP exchanges pending at once on one loop.
  local inflight_bench=$root/${REDOUBT_BUILD_DIR:-build}/redoubt-inflight-bench
  [ -x "$inflight_bench" ] && "$inflight_bench" 10000 1000
}

main "$@"
