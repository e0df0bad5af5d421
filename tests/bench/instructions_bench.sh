#!/usr/bin/env bash
# Benchmark (issue #17): user-space instructions per answered query, counted by Valgrind's
# callgrind, for redoubt, Unbound and Knot Resolver on the same lab and the same names. Prints
# one table of figures; it never passes or fails on them.
#
#   tests/bench/instructions_bench.sh [NAMES]     (default 1000 names per cold workload)
#
# Why: on this project's shared 2-core machine the CPU time per query of resolver_bench.sh moves
# by 30% or more between runs of the same binary (a neighbour's load, frequency changes), which
# hides a change of a few percent. An instruction count does not move with the machine's load:
# two runs of one binary on the same names agree within about 0.5%, so a change to the code
# shows as a change of the count. It is not the whole cost: the kernel's work (system calls,
# the network stack: about half of a cold query's CPU time here) is not counted, nor memory
# stalls (an instruction that misses the cache counts as one). Compare resolvers by
# resolver_bench.sh's CPU time and queries/s; compare two builds of redoubt by this count.
#
# Environment: REDOUBT_BIN (the daemon; default build/resolver/redoubt), REDOUBT_BENCH_IR_TOP
# (N: also print the N functions of redoubt with the most instructions of their own per
# workload, default 0), REDOUBT_BENCH_IR_KEEP (a directory to keep the callgrind files in, for
# callgrind_annotate), REDOUBT_BENCH_WORKLOADS (which of "hot cold signed", default all three).
#
# Method: each resolver (one worker thread, validating from the lab's trust anchor, as in
# resolver_bench.sh) runs under `valgrind --tool=callgrind`. The chains of trust of both cold
# zones and the hot names are fetched first (each hot name twice, so redoubt's packet cache,
# which admits a reply on its second use, holds them). Then, per workload, the counters are
# zeroed (callgrind_control -z), dnsperf sends the workload's names at a low fixed rate
# (150 queries/s: the resolver runs about 50 times slower under Valgrind) and the counters are
# dumped (callgrind_control -d); the figure is the instructions of every thread of the process
# over that window divided by the answers dnsperf counted. Workloads:
#   hot          the 8 hot names of resolver_bench.sh, asked 5 * NAMES times in all: cache hits;
#   cold         NAMES fresh names of big.gamma. (unsigned below a signed parent, one upstream
#                exchange each): h(i * 4999 mod 100000) for i from 90,000;
#   cold signed  NAMES fresh names of bigsec.alpha. (ECDSA P-256: a signature check each),
#                h(2 * i) for i from 5,000 (resolver_bench.sh uses the first 10,000 of each
#                parity; these are its latency run's spares).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lab/lib/common.sh"
source "$here/lib/resolver_configs.sh"
names=${1:-1000}
[[ $names =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [NAMES]" >&2; exit 2; }
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
top=${REDOUBT_BENCH_IR_TOP:-0}
keep=${REDOUBT_BENCH_IR_KEEP:-}
workloads=${REDOUBT_BENCH_WORKLOADS:-hot cold signed}
rate=150
for tool in valgrind callgrind_control callgrind_annotate dnsperf unbound; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (scripts/install-deps.sh test)"; exit 1; }
done
[ -x "$bin" ] || { echo "bench: no redoubt at $bin (build it first)"; exit 1; }
work=$(mktemp -d /tmp/redoubt-irbench.XXXXXX)
declare -A address=([redoubt]=127.53.201.1 [unbound]=$LAB_UNBOUND [kresd]=127.53.202.1)
declare -A figure=()
resolvers=(redoubt unbound)
command -v kresd >/dev/null && resolvers+=(kresd)
added_addresses=() started_lab=0 running=""

cleanup() {
  [ -n "$running" ] && { kill "$running" 2>/dev/null; wait "$running" 2>/dev/null; }
  local a
  for a in "${added_addresses[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  [ $started_lab -eq 1 ] && "$root/tests/lab/lab" down >/dev/null 2>&1
  [ -n "$keep" ] && mkdir -p "$keep" && cp "$work"/*/cg.* "$keep"/ 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# configure RESOLVER DIR: writes the resolver's configuration (lib/resolver_configs.sh) into DIR
# and prints its command.
configure() {
  local r=$1 dir=$2
  case $r in
    redoubt) redoubt_config "$dir/redoubt.yaml" "${address[redoubt]}" 1 "$dir/cache"
      echo "$bin -c $dir/redoubt.yaml" ;;
    unbound) unbound_config "$dir/unbound.conf" "${address[unbound]}" 1 "$dir"
      echo "unbound -d -c $dir/unbound.conf" ;;
    kresd) mkdir -p "$dir/run"
      kresd_config "$dir/kresd.conf" "${address[kresd]}" "$dir/cache"
      echo "kresd -n -c $dir/kresd.conf $dir/run" ;;
  esac
}

# instructions DIR PART: the instructions of every thread in dump PART of the files in DIR.
instructions() {
  local f total=0 n
  for f in "$1"/cg.*."$2"-*; do
    [ -f "$f" ] || continue
    n=$(grep -m1 -E '^(summary|totals):' "$f" | awk '{ print $2 }')
    total=$((total + ${n:-0}))
  done
  echo "$total"
}

# measure RESOLVER: runs the workloads against RESOLVER under callgrind; fills figure[].
measure() {
  local r=$1 dir=$work/$1 cmd part=0 w file answered ir
  mkdir -p "$dir"
  cmd=$(configure "$r" "$dir")
  # shellcheck disable=SC2086  # The command is words.
  valgrind --tool=callgrind --separate-threads=yes --compress-strings=no --compress-pos=no \
    --callgrind-out-file="$dir/cg.%p" $cmd >"$dir/log" 2>&1 </dev/null &
  running=$!
  local i
  for i in $(seq 1 120); do
    dig +time=2 +tries=1 @"${address[$r]}" . SOA 2>/dev/null | grep -q "status: NOERROR" && break
    sleep 0.5
  done
  for name in www.alpha. ns.bigsec.alpha. www.big.gamma.; do
    dig +time=5 +tries=2 +short @"${address[$r]}" "$name" A >/dev/null
  done
  dig +time=5 +tries=2 +short @"${address[$r]}" -f "$work/hot-once.txt" >/dev/null
  dig +time=5 +tries=2 +short @"${address[$r]}" -f "$work/hot-once.txt" >/dev/null
  for w in $workloads; do
    file=$work/$w.txt
    callgrind_control -z "$running" >/dev/null 2>&1
    dnsperf -s "${address[$r]}" -d "$file" -n 1 -Q "$rate" -c 1 -t 10 >"$dir/$w.dnsperf" 2>&1
    callgrind_control -d "$running" >/dev/null 2>&1
    part=$((part + 1))
    sleep 1
    answered=$(awk '/Queries completed:/ { print $3 }' "$dir/$w.dnsperf")
    ir=$(instructions "$dir" "$part")
    if [ "${answered:-0}" -gt 0 ] && [ "$ir" -gt 0 ]; then
      figure[$r,$w]=$((ir / answered))
      figure[$r,$w,answered]=$answered
    fi
    if [ "$r" = redoubt ] && [ "$top" -gt 0 ]; then
      echo "bench: redoubt's $top most costly functions (own instructions) in the $w workload, per answered query:"
      busiest=$(for f in "$dir"/cg.*."$part"-*; do
        echo "$(grep -m1 -E '^(summary|totals):' "$f" | awk '{ print $2 }') $f"; done | sort -n | tail -1 | cut -d' ' -f2)
      callgrind_annotate --inclusive=no --auto=no --threshold=100 "$busiest" 2>/dev/null |
        awk -v n="${answered:-1}" -v top="$top" '
          # Rows are "IR (PERCENT%) FILE:FUNCTION"; the thread entry functions show the whole
          # window (an artefact of zeroing the counters while they run) and are left out.
          match($0, /^ *[0-9,]+ +\( *[0-9.]+%\) +/) && !/PROGRAM TOTALS|100\.0%\)/ && shown < top {
            v = $1; gsub(",", "", v); printf "  %8.0f  %s\n", v / n, substr($0, RLENGTH + 1, 150); shown++ }'
    fi
  done
  kill "$running" 2>/dev/null; wait "$running" 2>/dev/null; running=""
}

if ! dig +time=1 +tries=1 +short @"$(zone_address .)" . SOA 2>/dev/null | grep -q .; then
  "$root/tests/lab/lab" up >/dev/null || { echo "bench: the lab did not come up"; exit 1; }
  started_lab=1
fi
for r in "${resolvers[@]}"; do ip addr add "${address[$r]}/32" dev lo 2>/dev/null && added_addresses+=("${address[$r]}"); done
printf '%s A\n' www.alpha. www.beta. www.gamma. www.plain. www.sec.alpha. www.n3.beta. \
  c1.sec.alpha. www.insecure.alpha. >"$work/hot-once.txt"
for ((i = 0; i < 5 * names / 8 + 1; i++)); do cat "$work/hot-once.txt"; done | head -n $((5 * names)) >"$work/hot.txt"
awk -v n="$names" 'BEGIN { for (i = 90000; i < 90000 + n && i < 100000; i++) printf "h%d.big.gamma. A\n", (i * 4999) % 100000 }' >"$work/cold.txt"
awk -v n="$names" 'BEGIN { for (i = 5000; i < 5000 + n && i < 10000; i++) printf "h%d.bigsec.alpha. A\n", 2 * i }' >"$work/signed.txt"

for r in "${resolvers[@]}"; do measure "$r"; done

echo "bench: instructions per answered query (user space, every thread; callgrind), redoubt $bin ($(git -C "$root" rev-parse --short HEAD 2>/dev/null) source tree)"
printf '%-12s %11s %11s %11s %16s %14s\n' workload redoubt unbound kresd redoubt/unbound redoubt/kresd
for w in $workloads; do
  line=$(printf '%-12s' "$w")
  for r in redoubt unbound kresd; do line+=$(printf ' %11s' "${figure[$r,$w]:--}"); done
  for r in unbound kresd; do
    if [ -n "${figure[redoubt,$w]:-}" ] && [ -n "${figure[$r,$w]:-}" ]; then
      line+=$(awk -v a="${figure[redoubt,$w]}" -v b="${figure[$r,$w]}" 'BEGIN { printf " %15.2f", a / b }')
    else
      line+=$(printf ' %15s' -)
    fi
  done
  echo "$line"
  answered_line=$(printf '%-12s' "  answered")
  for r in redoubt unbound kresd; do answered_line+=$(printf ' %11s' "${figure[$r,$w,answered]:--}"); done
  echo "$answered_line"
done
echo "bench: below 1 is better for redoubt; the kernel's work is not counted (resolver_bench.sh has the CPU time)."
