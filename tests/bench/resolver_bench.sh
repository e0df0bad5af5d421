#!/usr/bin/env bash
# Benchmark (issue #17): redoubt, Unbound and Knot Resolver (all from this machine: redoubt from
# the build, the other two from Debian) on the same lab in one run, under the same load. Prints
# one table of figures; it never passes or fails on them.
#
#   tests/bench/resolver_bench.sh [SECONDS]     (default 10 s per hot run)
#
# Environment: REDOUBT_BIN (the daemon; default $REDOUBT_BUILD_DIR/resolver/redoubt),
# REDOUBT_BUILD_DIR (default build, relative to the source tree or absolute: where
# redoubt-cache-bench and redoubt-inflight-bench are), REDOUBT_BENCH_PERF=1 (CPU profiles of
# redoubt, below), REDOUBT_BENCH_HOT_QPS / REDOUBT_BENCH_COLD_QPS (the fixed rates of the latency
# runs, default 20000 and 2000), REDOUBT_BENCH_RESOLVER_CPU / REDOUBT_BENCH_LOAD_CPU (0 and 1),
# REDOUBT_BENCH_WORKERS (N, default 1: see Scaling), REDOUBT_BENCH_WORKLOADS (which of "hot cold
# signed" to run, default all three), REDOUBT_BENCH_ROUNDS (the maximum-rate runs of each
# workload, default 3: below), REDOUBT_BENCH_PORT_RANGE (widest or host: below).
#
# Scaling: with REDOUBT_BENCH_WORKERS=N, redoubt runs N workers and Unbound N threads, both on
# CPUs 0..N-1, and dnsperf on CPUs N..2N-1 when the machine has them, else on every CPU (on this
# project's 2-core machine N=2 shares both cores with dnsperf: compare its figures with a run of
# N=1 placed the same way, REDOUBT_BENCH_RESOLVER_CPU=0-1 REDOUBT_BENCH_LOAD_CPU=0-1). Knot
# Resolver scales by processes, not threads, and is left out when N > 1.
#
# Placement (REDOUBT_BENCH_WORKERS changes it: Scaling, below): each resolver runs with ONE
# worker thread (redoubt workers: 1, Unbound
# num-threads: 1, one kresd process) and every thread of it pinned to CPU 0 (taskset); dnsperf
# (and perf, when profiling) is pinned to CPU 1. The lab's authoritative servers are not pinned.
# All three resolvers stay up for the whole run, but only one is under load at a time.
# Validation is on in all three, from the lab's trust anchor: redoubt with trust-anchors:
# [$LAB_DIR/root.ds] and builtin-root-anchor: false, Unbound with module-config "validator
# iterator" and trust-anchor-file, kresd with trust_anchors.add_file($LAB_DIR/root.ds, readonly).
# QNAME minimisation is on in all three (their default; set explicitly for Unbound). Knot
# Resolver is left out (its columns show "-") when kresd is not installed.
#
# Workloads, each sent by dnsperf -c 4 -q 64 over UDP, every run bounded by -l seconds and, for
# the cold ones, by -n 1 over a finite list of names:
#   hot          8 names asked again and again: cache hits;
#   cold         distinct names of big.gamma. (100,000 names, unsigned below a signed parent:
#                insecure answers, one upstream exchange each), each asked once;
#   cold signed  distinct names of bigsec.alpha. (20,000 names, ECDSA P-256, NSEC), each asked
#                once: every answer is a fresh signature to verify (secure, AD).
# The chains of trust of both cold zones are fetched before anything is timed. Every resolver
# gets the same names (the authoritative servers keep nothing per client, so a name costs each
# resolver the same upstream work, and each resolver has its own fresh cache).
#
# Rounds: the runs at the maximum rate are repeated ROUNDS times (cold: at most 3, as big.gamma.
# has names for three rounds of 20,000 and the other runs; cold signed: once, as bigsec.alpha.'s
# names are all used by one round and the latency run), the resolvers taking turns within each
# round (redoubt, Unbound, kresd, redoubt, ...), so that a slow spell of this shared machine falls
# on all of them alike; the table shows the median round of each figure, and the range of
# queries/s over the rounds in a row of its own.
#
# Figures, per workload and resolver:
#   queries/s        throughput at the maximum rate dnsperf reaches (hot: SECONDS s; cold:
#                    20,000 names; cold signed: 10,000 names), the median of the rounds;
#   answered / lost, NOERROR share of the answers (every name asked exists: all should be
#                    NOERROR; the full response codes are printed under the table otherwise);
#   CPU per answered query, us: user + system time of the whole process (every thread, from
#                    /proc/PID/stat) over the throughput run, divided by the queries dnsperf saw
#                    answered;
#   p50 / p99 latency at a fixed rate (dnsperf -Q; hot: HOT_QPS for SECONDS s; cold and cold
#                    signed: 10,000 further fresh names at COLD_QPS), from dnsperf -v's
#                    per-query latencies; a lost query counts as slower than every answer (it
#                    shows as "lost" when it decides the percentile). dnsperf confined to one
#                    core adds its own delays to the tail (its sender and receiver share the
#                    core): against an Unbound answering one local-data name, p99 at 20,000 q/s
#                    measured 3.8-6.5 ms with dnsperf on CPU 1 and 0.14 ms with it unpinned, on
#                    this project's 2-core machine. Compare the columns of one run, not absolute
#                    tails (REDOUBT_BENCH_LOAD_CPU=0-1 unpins dnsperf, at the resolver's expense);
#   resident memory, MB: VmRSS after the workload's runs, and the same without the resident
#                    pages of an LMDB cache file (redoubt's and kresd's data.mdb mappings);
# and, for every figure, the ratio redoubt/peer (queries/s: above 1 is better for redoubt;
# every other figure: below 1 is). At the end, the LMDB cache alone (redoubt-cache-bench), the
# cost and heap allocations of one cache hit inside a worker, full path against the packet
# cache (redoubt-hit-bench), and the memory one in-flight upstream exchange holds
# (redoubt-inflight-bench), when built.
#
# REDOUBT_BENCH_PERF=1 adds two more runs of redoubt after the table's, shaped like its hot and
# cold throughput runs (the cold one on 20,000 further fresh names), each under
# `perf record -e cpu-clock -g` (software clock: this machine has no hardware counters), and
# prints the split of self time by object (kernel, redoubt, libc, libcrypto...) and the top 25
# symbols of each. They are separate runs so that perf's overhead stays out of the table; their
# queries/s is printed beside each profile. User-space call chains in them are not usable unless
# redoubt is built with frame pointers (-fno-omit-frame-pointer; perf record --call-graph dwarf
# is the alternative), so only self time is printed. The perf.data files are kept in
# REDOUBT_BENCH_PERF_DIR when it is set (for perf report -G and the like), else removed with the
# work directory.
#
# Port range: with REDOUBT_BENCH_PORT_RANGE=widest (the default) the whole benchmark, its own
# lab included, runs in a network namespace the script creates, whose ephemeral port range is
# 1024-65535 (net.ipv4.ip_local_port_range belongs to the namespace: the host's is not
# touched). That is the deployment docs/operations.md recommends, where redoubt reuses its
# upstream sockets (net/io/udp_poller.h); every resolver runs under the same range. With
# REDOUBT_BENCH_PORT_RANGE=host it runs on the host's own stack, range and lab.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
port_range=${REDOUBT_BENCH_PORT_RANGE:-widest}
case $port_range in
  host) ;;
  widest)
    if [ -z "${REDOUBT_BENCH_IN_NAMESPACE:-}" ]; then
      lab_dir=$(mktemp -d /tmp/redoubt-bench-lab.XXXXXX)
      unshare -n env REDOUBT_BENCH_IN_NAMESPACE=1 REDOUBT_LAB_DIR="$lab_dir" bash -c \
        'ip link set lo up && sysctl -qw net.ipv4.ip_local_port_range="1024 65535" && exec bash "$0" "$@"' \
        "$0" "$@"
      rc=$?
      rm -rf "$lab_dir"
      exit $rc
    fi ;;
  *) echo "bench: REDOUBT_BENCH_PORT_RANGE must be widest or host"; exit 1 ;;
esac
source "$root/tests/lab/lib/common.sh"
source "$here/lib/resolver_configs.sh"
seconds=${1:-10}
build=${REDOUBT_BUILD_DIR:-build}
[[ $build = /* ]] || build=$root/$build
bin=${REDOUBT_BIN:-$build/resolver/redoubt}
hot_qps=${REDOUBT_BENCH_HOT_QPS:-20000} cold_qps=${REDOUBT_BENCH_COLD_QPS:-2000}
workers=${REDOUBT_BENCH_WORKERS:-1}
workloads=${REDOUBT_BENCH_WORKLOADS:-hot cold signed}
rounds=${REDOUBT_BENCH_ROUNDS:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench: REDOUBT_BENCH_ROUNDS must be a positive whole number"; exit 1; }
if [ "$workers" -eq 1 ]; then
  default_resolver_cpu=0 default_load_cpu=1
elif [ "$(nproc)" -ge $((2 * workers)) ]; then
  default_resolver_cpu=0-$((workers - 1)) default_load_cpu=$workers-$((2 * workers - 1))
else
  default_resolver_cpu=0-$((workers - 1)) default_load_cpu=0-$(($(nproc) - 1))
fi
resolver_cpu=${REDOUBT_BENCH_RESOLVER_CPU:-$default_resolver_cpu}
load_cpu=${REDOUBT_BENCH_LOAD_CPU:-$default_load_cpu}
profile=${REDOUBT_BENCH_PERF:-0}
cold_latency_names=10000
work=$(mktemp -d /tmp/redoubt-bench.XXXXXX)
perf_dir=${REDOUBT_BENCH_PERF_DIR:-$work}
declare -A address=([redoubt]=127.53.201.1 [unbound]=$LAB_UNBOUND [kresd]=127.53.202.1)
declare -A pid_of=()
declare -A fig=()         # fig[resolver,workload,figure]
resolvers=(redoubt unbound kresd)
pids=() added_addresses=() started_lab=0

cleanup() {
  local pid a
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  for a in "${added_addresses[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  pin_lab "0-$(($(nproc) - 1))"  # A lab that stays up gets every CPU back.
  [ $started_lab -eq 1 ] && "$root/tests/lab/lab" down >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# add_address ADDRESS: on lo, removed again at exit (only if this script added it).
add_address() {
  ip addr add "$1/32" dev lo 2>/dev/null && added_addresses+=("$1")
  return 0
}

start_redoubt() {
  add_address "${address[redoubt]}"
  redoubt_config "$work/redoubt.yaml" "${address[redoubt]}" "$workers" "$work/redoubt-cache"
  taskset -c "$resolver_cpu" "$bin" -c "$work/redoubt.yaml" >"$work/redoubt.log" 2>&1 &
  pids+=($!); pid_of[redoubt]=$!
  wait_for_resolver "${address[redoubt]}"
}

start_unbound() {
  unbound_config "$work/unbound.conf" "${address[unbound]}" "$workers" "$work"
  taskset -c "$resolver_cpu" unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
  pids+=($!); pid_of[unbound]=$!
  wait_for_resolver "${address[unbound]}"
}

# Knot Resolver 5: one kresd process in the foreground (-n), its run directory and LMDB cache in
# the work directory (kresd_config says the rest).
start_kresd() {
  add_address "${address[kresd]}"
  mkdir -p "$work/kresd" "$work/kresd-cache"
  kresd_config "$work/kresd.conf" "${address[kresd]}" "$work/kresd-cache"
  taskset -c "$resolver_cpu" kresd -n -c "$work/kresd.conf" "$work/kresd" >"$work/kresd.log" 2>&1 </dev/null &
  pids+=($!); pid_of[kresd]=$!
  wait_for_resolver "${address[kresd]}"
}

# dnsperf_run OUT ADDRESS FILE ARGS...: dnsperf on the load CPU, its whole output in OUT.
dnsperf_run() {
  local out=$1 server=$2 file=$3; shift 3
  taskset -c "$load_cpu" dnsperf -s "$server" -d "$file" -c 4 -q 64 -t 5 "$@" >"$out" 2>&1
}

# summary OUT: "qps completed lost noerror%" from a dnsperf output.
summary() {
  awk '
    /Queries per second:/ { qps = $4 }
    /Queries completed:/ { completed = $3 }
    /Queries lost:/ { lost = $3 }
    /Response codes:/ { if (match($0, /NOERROR [0-9]+/)) noerror = substr($0, RSTART + 8, RLENGTH - 8) }
    END {
      printf "%s %s %s %s\n", (qps == "" ? "?" : sprintf("%.0f", qps)), (completed == "" ? 0 : completed),
        (lost == "" ? "?" : lost), (completed > 0 ? sprintf("%.1f%%", 100 * noerror / completed) : "?")
    }' "$1"
}

# percentiles OUT: "p50 p99" in ms from dnsperf -v's per-query lines ("> RCODE NAME TYPE
# SECONDS"; "> T ..." for a query that timed out, "> I ..." for one cut off at the end).
percentiles() {
  awk '/^> / { if ($2 == "T" || $2 == "I") print "inf"; else printf "%.6f\n", $NF * 1000 }' "$1" |
    sort -g | awk '
      function show(x) { return x == "inf" ? "lost" : sprintf("%.3f", x) }
      { v[NR] = $1 }
      END {
        if (NR == 0) { print "? ?"; exit }
        i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
        i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
        print show(v[i50]), show(v[i99])
      }'
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

# placement PID: "N threads on CPU LIST" (every thread's allowed CPUs, from /proc).
placement() {
  local lists
  lists=$(cat /proc/"$1"/task/*/status 2>/dev/null | sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' | sort -u | paste -sd/)
  echo "$(ls /proc/"$1"/task 2>/dev/null | wc -l) threads on CPU ${lists:-?}"
}

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
# rss_without_cache_mb PID: VmRSS less the resident pages of the process's LMDB cache files
# (mappings of a data.mdb: redoubt's and kresd's caches; Unbound keeps its cache on the heap),
# the figure the issue's memory target is about ("the LMDB map aside").
rss_without_cache_mb() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { cache = ($NF ~ /data\.mdb$/) }
       /^Rss:/ { total += $2; if (cache) mapped += $2 }
       END { if (NR == 0) print "?"; else printf "%.1f", (total - mapped) / 1024 }' "/proc/$1/smaps" 2>/dev/null || echo "?"
}

# throughput RESOLVER WORKLOAD ROUND FILE ARGS...: a run at the maximum rate; queries/s,
# answered/lost, NOERROR share and CPU per answered query of the round into fig[...,KEY#ROUND].
throughput() {
  local r=$1 w=$2 k=$3 file=$4; shift 4
  local out=$work/out-$r-$w-max-$k before after qps completed lost noerror
  before=$(cpu_ticks "${pid_of[$r]}")
  dnsperf_run "$out" "${address[$r]}" "$file" "$@"
  after=$(cpu_ticks "${pid_of[$r]}")
  read -r qps completed lost noerror < <(summary "$out")
  fig[$r,$w,qps#$k]=$qps fig[$r,$w,answered#$k]="$completed/$lost" fig[$r,$w,noerror#$k]=$noerror
  fig[$r,$w,cpu#$k]=$(cpu_us_per_query "$before" "$after" "$completed")
}

# median VALUES...: the middle value (the lower middle of an even count), numbers sorted as
# numbers; "?" when a value is not a number (a failed run).
median() {
  printf '%s\n' "$@" | sort -g | awk '
    { v[NR] = $1; if ($1 !~ /^[0-9]+(\.[0-9]+)?$/) bad = 1 }
    END { if (NR == 0 || bad) print "?"; else print v[int((NR + 1) / 2)] }'
}

# sum_up RESOLVER WORKLOAD ROUNDS: the table's figures from the rounds: the median of queries/s
# and of CPU per answered query, the range of queries/s, every round's answered/lost summed
# and the lowest NOERROR share.
sum_up() {
  local r=$1 w=$2 n=$3 k
  local qps=() cpu=() answered=0 lost=0 noerror=() a
  for ((k = 0; k < n; k++)); do
    qps+=("${fig[$r,$w,qps#$k]}") cpu+=("${fig[$r,$w,cpu#$k]}") noerror+=("${fig[$r,$w,noerror#$k]%\%}")
    a=${fig[$r,$w,answered#$k]}
    answered=$((answered + ${a%/*})); [[ ${a#*/} =~ ^[0-9]+$ ]] && lost=$((lost + ${a#*/}))
  done
  fig[$r,$w,qps]=$(median "${qps[@]}") fig[$r,$w,cpu]=$(median "${cpu[@]}")
  fig[$r,$w,qps_range]="$(printf '%s\n' "${qps[@]}" | sort -g | head -1)-$(printf '%s\n' "${qps[@]}" | sort -g | tail -1)"
  fig[$r,$w,answered]="$answered/$lost"
  fig[$r,$w,noerror]="$(printf '%s\n' "${noerror[@]}" | sort -g | head -1)%"
}

# latency RESOLVER WORKLOAD FILE ARGS...: a run at a fixed rate (-Q in ARGS) with per-query
# output; p50, p99, answered / lost and NOERROR share into fig[].
latency() {
  local r=$1 w=$2 file=$3; shift 3
  local out=$work/out-$r-$w-fixed qps completed lost noerror p50 p99
  dnsperf_run "$out" "${address[$r]}" "$file" -v "$@"
  read -r qps completed lost noerror < <(summary "$out")
  read -r p50 p99 < <(percentiles "$out")
  fig[$r,$w,p50]=$p50 fig[$r,$w,p99]=$p99 fig[$r,$w,fixed_answered]="$completed/$lost"
  fig[$r,$w,fixed_noerror]=$noerror
}

# run_workload WORKLOAD ROUNDS FILES MAX_ARGS FIXED_ARGS FIXED_FILE: ROUNDS rounds of runs at the
# maximum rate, every resolver in turn within a round (round K on the K-th of the
# comma-separated FILES, or on the only one), the run at a fixed rate on FIXED_FILE, then
# resident memory.
run_workload() {
  local w=$1 n=$2 files=$3 max_args=$4 fixed_args=$5 fixed_file=$6 r k file
  local -a list
  IFS=, read -r -a list <<<"$files"
  for ((k = 0; k < n; k++)); do
    file=${list[$k]:-${list[0]}}
    # shellcheck disable=SC2086  # The argument lists are split on purpose.
    for r in "${resolvers[@]}"; do throughput "$r" "$w" "$k" "$file" $max_args; done
  done
  for r in "${resolvers[@]}"; do sum_up "$r" "$w" "$n"; done
  # shellcheck disable=SC2086
  for r in "${resolvers[@]}"; do latency "$r" "$w" "$fixed_file" $fixed_args; done
  for r in "${resolvers[@]}"; do
    fig[$r,$w,rss]=$(rss_mb "${pid_of[$r]}") fig[$r,$w,rss_heap]=$(rss_without_cache_mb "${pid_of[$r]}")
  done
}

# profile_run TITLE FILE ARGS...: one more run against redoubt at the maximum rate under perf
# record, then the top 25 symbols by self time.
profile_run() {
  local title=$1 file=$2; shift 2
  local data=$perf_dir/perf-${title%%,*}.data perf_pid qps
  taskset -c "$load_cpu" perf record -q -e cpu-clock -g -p "${pid_of[redoubt]}" -o "$data" \
    >"$work/perf-record.log" 2>&1 &
  perf_pid=$!; pids+=("$perf_pid")
  sleep 1
  dnsperf_run "$work/out-profile" "${address[redoubt]}" "$file" "$@"
  kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid" 2>/dev/null
  read -r qps _ < <(summary "$work/out-profile")
  echo
  echo "bench: perf profile of redoubt, $title ($qps queries/s under perf), $data"
  echo "bench: self time by object:"
  perf_top "$data" dso 8
  echo "bench: top 25 symbols by self time ([k] kernel, [.] user space):"
  perf_top "$data" symbol 25
}

# perf_top DATA SORT N: the first N lines of perf report --sort SORT, self time, no call graphs
# (long C++ names cut at 150 characters).
perf_top() {
  perf report -i "$1" --no-children --stdio --sort "$2" -g none 2>/dev/null |
    grep -v '^#' | grep -v '^[[:space:]]*$' | sed 's/[[:space:]]*-[[:space:]]*-[[:space:]]*$//' |
    head -"$3" | cut -c1-150
}

# The table: one row per workload and figure, one column per resolver, then the ratios.
row() {  # row WORKLOAD LABEL KEY
  local w=$1 label=$2 key=$3 r
  local -A val=()
  for r in redoubt unbound kresd; do val[$r]=${fig[$r,$w,$key]:--}; done
  printf '%-12s %-30s %11s %11s %11s %16s %14s\n' "$w" "$label" \
    "${val[redoubt]}" "${val[unbound]}" "${val[kresd]}" \
    "$(ratio "${val[redoubt]}" "${val[unbound]}")" "$(ratio "${val[redoubt]}" "${val[kresd]}")"
}
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a ~ /^[0-9]+(\.[0-9]+)?$/ && b ~ /^[0-9]+(\.[0-9]+)?$/ && b > 0) printf "%.2f", a / b; else print "-"
  }'
}

# pin_lab CPUS: every thread of the lab's servers (processes whose command line names the lab's
# directory) allowed on CPUS only.
pin_lab() {
  local pid
  for pid in $(pgrep -f "$LAB_DIR/"); do taskset -a -p -c "$1" "$pid" >/dev/null 2>&1; done
}

main() {
  [ -x "$bin" ] || { echo "bench: $bin is missing (build first)"; exit 1; }
  echo "bench: ephemeral port range $(tr -s '[:space:]' - </proc/sys/net/ipv4/ip_local_port_range | sed 's/-$//')" \
    "($([ "$port_range" = widest ] && echo "a network namespace of the benchmark's own" || echo "the host's"))"
  command -v dnsperf >/dev/null || { echo "bench: dnsperf is missing (scripts/install-deps.sh test)"; exit 1; }
  command -v taskset >/dev/null || { echo "bench: taskset is missing (util-linux)"; exit 1; }
  if [ "$profile" = 1 ] && ! command -v perf >/dev/null; then
    echo "bench: REDOUBT_BENCH_PERF=1 needs perf (linux-perf)"; exit 1
  fi
  command -v kresd >/dev/null || { echo "bench: kresd is missing (knot-resolver): its columns stay empty"; resolvers=(redoubt unbound); }
  [ "$workers" -gt 1 ] && resolvers=(redoubt unbound)  # kresd scales by processes (see Scaling).
  if ! dig +time=1 +tries=1 +short @"$(zone_address .)" . SOA 2>/dev/null | grep -q .; then
    "$root/tests/lab/lab" up >/dev/null || { echo "bench: the lab did not come up"; exit 1; }
    started_lab=1
  fi
  # The lab's authoritative servers run beside dnsperf on the load CPU, so that the resolver's CPU
  # is the resolver's alone (they are put back on every CPU at the end).
  pin_lab "$load_cpu"
  start_redoubt || { echo "bench: redoubt did not start"; cat "$work/redoubt.log"; exit 1; }
  start_unbound || { echo "bench: unbound did not start"; cat "$work/unbound.log"; exit 1; }
  if [[ " ${resolvers[*]} " = *" kresd "* ]]; then
    start_kresd || { echo "bench: kresd did not start"; cat "$work/kresd.log"; exit 1; }
  fi

  printf '%s A\n' www.alpha. www.beta. www.gamma. www.plain. www.sec.alpha. www.n3.beta. \
    c1.sec.alpha. www.insecure.alpha. >"$work/hot.txt"
  # big.gamma.: the names h(i * 4999 mod 100000), distinct for i below 100,000; 0-9,999 for the
  # latency run, the next 20,000 for the profile, then 20,000 for each throughput round.
  local spec name from count k
  local cold_rounds=$(( rounds < 3 ? rounds : 3 )) cold_files=""
  for ((k = 0; k < cold_rounds; k++)); do cold_files+="${cold_files:+,}$work/cold-$k.txt"; done
  for spec in cold-fixed:0:$cold_latency_names cold-profile:10000:20000 \
      cold-0:30000:20000 cold-1:50000:20000 cold-2:70000:20000; do
    IFS=: read -r name from count <<<"$spec"
    awk -v from="$from" -v n="$count" \
      'BEGIN { for (i = from; i < from + n; i++) printf "h%d.big.gamma. A\n", (i * 4999) % 100000 }' >"$work/$name.txt"
  done
  # bigsec.alpha.: the even names for the throughput run, the odd ones for the latency run.
  awk 'BEGIN { for (i = 0; i < 10000; i++) printf "h%d.bigsec.alpha. A\n", 2 * i }' >"$work/signed.txt"
  awk -v n=$cold_latency_names 'BEGIN { for (i = 0; i < n; i++) printf "h%d.bigsec.alpha. A\n", 2 * i + 1 }' \
    >"$work/signed-fixed.txt"

  local r
  for r in "${resolvers[@]}"; do  # The chains of trust (and the hot names' first answers).
    for name in www.alpha. ns.bigsec.alpha. www.big.gamma.; do
      dig +time=2 +tries=1 +short @"${address[$r]}" "$name" A >/dev/null
    done
    dig +time=2 +tries=1 +short @"${address[$r]}" -f "$work/hot.txt" >/dev/null
  done

  local cold_seconds=$(( cold_latency_names / cold_qps + 30 ))
  local w
  for w in $workloads; do
    case $w in
      hot) run_workload hot "$rounds" "$work/hot.txt" "-l $seconds" "-Q $hot_qps -l $seconds" "$work/hot.txt" ;;
      cold) run_workload cold "$cold_rounds" "$cold_files" "-n 1 -l 120" "-Q $cold_qps -n 1 -l $cold_seconds" "$work/cold-fixed.txt" ;;
      signed) run_workload signed 1 "$work/signed.txt" "-n 1 -l 120" "-Q $cold_qps -n 1 -l $cold_seconds" "$work/signed-fixed.txt" ;;
    esac
  done

  local kresd_version=none
  command -v kresd >/dev/null && kresd_version=$(kresd --version | sed 's/.*version //')
  echo "bench: redoubt $bin ($(git -C "$root" rev-parse --short HEAD 2>/dev/null) source tree) vs Unbound $(unbound -V | sed -n 's/^Version //p') vs Knot Resolver $kresd_version"
  echo "bench: lab on loopback, all validating; each resolver $workers worker thread(s) on CPU $resolver_cpu, dnsperf -c 4 -q 64 on CPU $load_cpu"
  echo "bench: maximum-rate figures are the median of $rounds round(s) (cold: $cold_rounds, signed: 1), the resolvers in turn within each round"
  local placed=()
  for r in "${resolvers[@]}"; do placed+=("$r $(placement "${pid_of[$r]}")"); done
  echo "bench: placement: $(IFS=,; echo "${placed[*]}" | sed 's/,/, /g')"
  printf '%-12s %-30s %11s %11s %11s %16s %14s\n' workload figure redoubt unbound kresd redoubt/unbound redoubt/kresd
  local rate n
  for w in $workloads; do
    case $w in
      hot) rate=$hot_qps; row $w "queries/s (max rate, ${seconds} s)" qps; n=$rounds ;;
      cold) rate=$cold_qps; row $w "queries/s (max, 20,000 names)" qps; n=$cold_rounds ;;
      signed) rate=$cold_qps; row $w "queries/s (max, 10,000 names)" qps; n=1 ;;
    esac
    row $w "  range over $n round(s)" qps_range
    row $w "  answered/lost" answered
    row $w "  NOERROR of answered" noerror
    row $w "  CPU per answered query, us" cpu
    row $w "p50 latency @ $rate qps, ms" p50
    row $w "p99 latency @ $rate qps, ms" p99
    row $w "  answered/lost @ $rate qps" fixed_answered
    row $w "  NOERROR of answered" fixed_noerror
    row $w "resident memory after, MB" rss
    row $w "  without the LMDB cache map, MB" rss_heap
  done
  echo "bench: workloads: hot = 8 cached names; cold = big.gamma. (unsigned, insecure); signed = bigsec.alpha. (ECDSA P-256, secure)."
  echo "bench: ratios are redoubt/peer: above 1 is better for redoubt in queries/s, below 1 in every other figure."
  local f
  for f in "$work"/out-*; do  # Every run whose answers were not all NOERROR, in full.
    grep -q 'Response codes:' "$f" || { echo "bench: $(basename "$f"): no statistics"; continue; }
    grep 'Response codes:' "$f" | grep -qv 'NOERROR [0-9]* (100.00%)' &&
      echo "bench: $(basename "$f"):$(sed -n 's/.*Response codes://p' "$f")"
  done

  if [ "$profile" = 1 ]; then
    mkdir -p "$perf_dir"
    profile_run "hot, ${seconds} s" "$work/hot.txt" -l "$seconds"
    profile_run "cold, 20,000 names" "$work/cold-profile.txt" -n 1 -l 120
  fi

  # The LMDB cache on its own: cost of a hit through the answer store, size per million RRsets.
  [ -x "$build/redoubt-cache-bench" ] && "$build/redoubt-cache-bench" 1000000 1000000
  [ -x "$build/redoubt-hit-bench" ] && "$build/redoubt-hit-bench" 1000 1000000
  # Memory per in-flight upstream exchange: 10,000 UDP exchanges pending at once on one loop.
  [ -x "$build/redoubt-inflight-bench" ] && "$build/redoubt-inflight-bench" 10000 1000
  return 0
}

main "$@"
