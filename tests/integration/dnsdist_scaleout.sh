#!/usr/bin/env bash
# Scale-out behind dnsdist (issue #16, docs/deploy-dnsdist.md): Debian's dnsdist 1.7 running
# deploy/dnsdist/dnsdist.conf in front of three redoubt instances, all on loopback, with no
# internet: an NSD on 127.63.0.100 serves the unsigned zone scale.test, which each redoubt
# forwards to it (forward-zones, a negative trust anchor for the zone: it has no DS chain).
#   redoubt 1-3   127.63.0.1-3:53, metrics on :9153, own LMDB cache, log-queries on
#   dnsdist       127.63.0.10:53, console on 127.63.0.10:5199 (the test's site settings)
# Checks, each "ok - ..." or "not ok - ...":
#   1. `dnsdist --check-config` passes on the shipped file, on it with the packet cache
#      switched on, and on the test's copy (the shipped file, its site-settings block replaced);
#   2. 300 distinct names through dnsdist all answer with their address; every instance's
#      /metrics (redoubt_queries_total) shows a share; the instances' query logs hold each name
#      once (they tell which instance got which name, for 3-5);
#   3. redoubt 2 killed with SIGKILL: dnsdist's health check marks it down, the same 300 names
#      all answer again, the names of 1 and 3 stay where they were and 2's names are spread
#      over 1 and 3;
#   4. redoubt 2 restarted on its cache: dnsdist marks it up, its names go back to it, and it
#      answers them from its LMDB cache kept across the kill (no upstream query);
#   5. dnsdist restarted: every name goes to the instance it went to in 2 (fixed backend ids and
#      hash seed).
# Runs as root (ip addr, port 53). Ends with "dnsdist-scaleout: N passed, M failed".
# SCALEOUT_KEEP=1 keeps the work directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
shipped=$root/deploy/dnsdist/dnsdist.conf
DD=127.63.0.10 AUTH=127.63.0.100 NOROOT=127.63.0.200
NAMES=300
work=$(mktemp -d /tmp/redoubt-scaleout.XXXXXX)
passed=0 failed=0 added=() auth_pid='' dd_pid=''
declare -A rpid=()
source "$here/lib/harness.sh"
source "$here/lib/nsd.sh"

cleanup() {
  local n; for n in 1 2 3; do stop "${rpid[$n]:-}"; done
  stop "$dd_pid"; stop "$auth_pid"
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  if [ "${SCALEOUT_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() { echo "dnsdist-scaleout: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# The address of hN.scale.test: 10.63.(N/256).(N%256).
addr_of() { echo "10.63.$(($1 / 256)).$(($1 % 256))"; }

start_auth() {
  local d=$work/nsd n; mkdir -p "$d"
  {
    printf '$TTL 3600\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A %s\n' $AUTH
    printf 'health A 192.0.2.1\n'
    for n in $(seq 1 $NAMES); do printf 'h%d A %s\n' "$n" "$(addr_of "$n")"; done
  } >"$d/scale.test.zone"
  nsd_serve "$d" "$AUTH" scale.test; local rc=$?; auth_pid=$nsd_pid; return $rc
}

write_redoubt_config() {  # write_redoubt_config N
  cat >"$work/redoubt$1.yaml" <<EOF
listen: ["127.63.0.$1:53"]
workers: 1
root-hints: $work/root.hints
allow-loopback-upstreams: true
negative-trust-anchors: [scale.test]
cache: {directory: $work/cache$1}
metrics: {listen: "127.63.0.$1:9153"}
forward-zones:
  - {name: scale.test, servers: ["$AUTH"]}
log-queries: true
EOF
}

# How many times a redoubt log says its metrics endpoint is up (0 when there is no log yet).
started_count() { local c; c=$(grep -c 'metrics on http://' "$1" 2>/dev/null); echo "${c:-0}"; }

start_redoubt() {  # start_redoubt N: appends to its log, so a restart keeps the first run's lines
  local log=$work/redoubt$1.log
  local before; before=$(started_count "$log")
  "$bin" -c "$work/redoubt$1.yaml" >>"$log" 2>&1 &
  rpid[$1]=$!
  local _; for _ in $(seq 1 100); do
    [ "$(started_count "$log")" -gt "$before" ] && return 0
    sleep 0.1
  done
  tail -5 "$log"; return 1
}

# The test's dnsdist configuration: the shipped file with its site-settings block replaced.
write_dnsdist_config() {
  local key; key=$(head -c 32 /dev/urandom | base64)
  cat >"$work/site.lua" <<EOF
local listen = { "$DD:53" }
local clients = { "127.0.0.0/8" }
local backends = {
  { name = "redoubt1", address = "127.63.0.1:53", id = "5ca1e000-0000-4000-8000-000000000001" },
  { name = "redoubt2", address = "127.63.0.2:53", id = "5ca1e000-0000-4000-8000-000000000002" },
  { name = "redoubt3", address = "127.63.0.3:53", id = "5ca1e000-0000-4000-8000-000000000003" },
}
local check = { name = "health.scale.test.", type = "A", interval = 1, timeout_ms = 500,
                failures = 2, rise = 1 }
local hash_seed = 1066
local client_qps = 100000
local console = { address = "$DD:5199", key = "$key" }
EOF
  awk -v site="$work/site.lua" '
    /^-- BEGIN site settings/ { print; while ((getline line < site) > 0) print line; skip = 1; next }
    /^-- END site settings/ { skip = 0 }
    !skip { print }' "$shipped" >"$work/dnsdist.conf"
  grep -q "$DD:5199" "$work/dnsdist.conf"
}

# The shipped file with its commented packet cache switched on.
write_cache_variant() {
  sed -e 's/^--   pc = /pc = /' -e 's/^--\( *maxNegativeTTL\)/  \1/' -e 's/^--   getPool/getPool/' \
    "$shipped" >"$work/dnsdist-cache.conf"
  grep -q '^getPool("")' "$work/dnsdist-cache.conf"
}

console() { dnsdist -C "$work/dnsdist.conf" -c -e "$1" 2>&1; }
# is_up N: dnsdist's health check says backend N (1-3) is up.
is_up() { [ "$(console "tostring(getServer($(($1 - 1))):isUp())")" = true ]; }
wait_state() {  # wait_state N up|down: up to 15 s
  local _; for _ in $(seq 1 75); do
    if [ "$2" = up ]; then is_up "$1" && return 0; else is_up "$1" || return 0; fi
    sleep 0.2
  done
  return 1
}

start_dnsdist() {
  dnsdist --supervised --disable-syslog -C "$work/dnsdist.conf" >"$work/dnsdist.log" 2>&1 &
  dd_pid=$!
  local n; for n in 1 2 3; do wait_state "$n" up || { tail -5 "$work/dnsdist.log"; return 1; }; done
}

setup() {
  local a; for a in 127.63.0.1 127.63.0.2 127.63.0.3 $DD $AUTH $NOROOT; do add_address "$a" || return 1; done
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A %s\n' $NOROOT >"$work/root.hints"
  start_auth || return 1
  local n; for n in 1 2 3; do write_redoubt_config "$n"; start_redoubt "$n" || return 1; done
  write_dnsdist_config && write_cache_variant || return 1
}

udp_queries() {  # udp_queries N: redoubt_queries_total{transport="udp"} of instance N
  curl -sf --max-time 2 "http://127.63.0.$1:9153/metrics" |
    awk '$1 == "redoubt_queries_total{transport=\"udp\"}" {print $2}'
}
upstream_queries() {
  curl -sf --max-time 2 "http://127.63.0.$1:9153/metrics" |
    awk '$1 == "redoubt_upstream_queries_total{transport=\"udp\"}" {print $2}'
}

# ask ROUND: all names through dnsdist in one dig batch; prints how many came back right.
ask() {
  local n; for n in $(seq 1 $NAMES); do echo "@$DD h$n.scale.test. A"; done >"$work/batch$1"
  timeout 60 dig +noall +answer +tries=1 +time=2 -f "$work/batch$1" >"$work/answers$1" 2>&1
  local right=0
  for n in $(seq 1 $NAMES); do
    grep -q "^h$n\.scale\.test\.[[:space:]].*[[:space:]]A[[:space:]]$(addr_of "$n")\$" "$work/answers$1" &&
      right=$((right + 1))
  done
  echo "$right"
}

# Which instance each test name reached, from the query logs (lines "query CLIENT udp NAME ..."),
# counting only the log lines past the mark taken before the round: file "where.ROUND" holds
# "N INSTANCE UPSTREAM" per query.
declare -A mark=()
take_marks() { local n; for n in 1 2 3; do mark[$n]=$(wc -l <"$work/redoubt$n.log"); done; }
where() {
  local n
  for n in 1 2 3; do
    tail -n +"$((mark[$n] + 1))" "$work/redoubt$n.log" |
      sed -n "s/^.*query [^ ]* udp h\([0-9]*\)\.scale\.test\. A [A-Z]* upstream=\([0-9]*\) .*/\1 $n \2/p"
  done | sort -n >"$work/where.$1"
}
count_on() { awk -v i="$2" '$2 == i' "$work/where.$1" | wc -l; }
# names_on ROUND INSTANCE: the names (numbers, sorted as text for comm) INSTANCE got in ROUND.
names_on() { awk -v i="$2" '$2 == i {print $1}' "$work/where.$1" | sort; }
# same_mapping ROUND ROUND: the two rounds sent every name to the same instance.
same_mapping() { cmp -s <(cut -d' ' -f1,2 "$work/where.$1") <(cut -d' ' -f1,2 "$work/where.$2"); }
# kept BEFORE AFTER: every name in file BEFORE is also in AFTER.
kept() { [ -z "$(comm -23 "$1" "$2")" ]; }
# spread A B TOTAL: both survivors took some of the dead instance's names, and all of them.
spread() { [ "$1" -gt 0 ] && [ "$2" -gt 0 ] && [ $(($1 + $2)) = "$3" ]; }

main() {
  local start=$SECONDS
  check "1. dnsdist --check-config passes on deploy/dnsdist/dnsdist.conf" \
    dnsdist --check-config -C "$shipped"
  if ! setup; then not_ok "setup (NSD, three redoubt instances, the dnsdist config)"; finish; fi
  check "1. dnsdist --check-config passes with the packet cache switched on" \
    dnsdist --check-config -C "$work/dnsdist-cache.conf"
  check "1. dnsdist --check-config passes on the test's copy" \
    dnsdist --check-config -C "$work/dnsdist.conf"
  if ! start_dnsdist; then not_ok "dnsdist started and saw the three backends up"; finish; fi
  ok "dnsdist started and its health checks see the three backends up"

  # 2. Three instances up.
  local -A q0=() q1=() q2=()
  local n; for n in 1 2 3; do q0[$n]=$(udp_queries "$n"); done
  take_marks
  local right; right=$(ask 1)
  where 1
  for n in 1 2 3; do q1[$n]=$(udp_queries "$n"); done
  check "2. $NAMES names through dnsdist: $right answered with their address" [ "$right" = $NAMES ]
  local share=() total=0
  for n in 1 2 3; do
    share[n]=$(( ${q1[$n]:-0} - ${q0[$n]:-0} ))
    total=$((total + share[n]))
  done
  echo "# round 1 /metrics deltas (queries incl. health checks): ${share[1]} ${share[2]} ${share[3]}"
  echo "# round 1 test names per instance (query logs): $(count_on 1 1) $(count_on 1 2) $(count_on 1 3)"
  for n in 1 2 3; do
    check "2. redoubt $n's /metrics shows a share: ${share[n]} queries (at least $((NAMES / 10)))" \
      [ "${share[n]}" -ge $((NAMES / 10)) ]
  done
  check "2. the /metrics deltas add up to at least the $NAMES queries ($total)" [ "$total" -ge $NAMES ]
  check "2. the query logs hold each name once ($(wc -l <"$work/where.1") log lines, $(cut -d' ' -f1 "$work/where.1" | sort -u | wc -l) names)" \
    bash -c '[ "$(wc -l <"$1")" = "$2" ] && [ "$(cut -d" " -f1 "$1" | sort -u | wc -l)" = "$2" ]' _ "$work/where.1" $NAMES

  # 3. redoubt 2 killed.
  kill -KILL "${rpid[2]}"; wait "${rpid[2]}" 2>/dev/null; rpid[2]=
  local t0=$SECONDS
  if wait_state 2 down; then ok "3. dnsdist marks redoubt 2 down after kill -9 (within $((SECONDS - t0 + 1)) s)"
  else not_ok "3. dnsdist marks redoubt 2 down after kill -9"; fi
  take_marks
  right=$(ask 2)
  where 2
  for n in 1 3; do q2[$n]=$(udp_queries "$n"); done
  check "3. with redoubt 2 dead, $right of $NAMES names answered with their address" [ "$right" = $NAMES ]
  echo "# round 2 /metrics deltas: redoubt1 $(( ${q2[1]:-0} - ${q1[1]:-0} )) redoubt3 $(( ${q2[3]:-0} - ${q1[3]:-0} ))"
  echo "# round 2 test names per instance: $(count_on 2 1) - $(count_on 2 3)"
  for n in 1 2 3; do names_on 1 "$n" >"$work/names.1.$n"; names_on 2 "$n" >"$work/names.2.$n"; done
  check "3. redoubt 1 kept its $(count_on 1 1) names" kept "$work/names.1.1" "$work/names.2.1"
  check "3. redoubt 3 kept its $(count_on 1 3) names" kept "$work/names.1.3" "$work/names.2.3"
  local moved1 moved3
  moved1=$(comm -12 "$work/names.1.2" "$work/names.2.1" | wc -l)
  moved3=$(comm -12 "$work/names.1.2" "$work/names.2.3" | wc -l)
  check "3. redoubt 2's $(count_on 1 2) names are spread over 1 ($moved1) and 3 ($moved3)" \
    spread "$moved1" "$moved3" "$(count_on 1 2)"

  # 4. redoubt 2 back on its LMDB cache.
  if ! start_redoubt 2; then not_ok "redoubt 2 restarted"; finish; fi
  t0=$SECONDS
  if wait_state 2 up; then ok "4. dnsdist marks redoubt 2 up again (within $((SECONDS - t0 + 1)) s)"
  else not_ok "4. dnsdist marks redoubt 2 up again"; fi
  local up0; up0=$(upstream_queries 2)
  take_marks
  right=$(ask 3)
  where 3
  local up1; up1=$(upstream_queries 2)
  echo "# round 3 test names per instance: $(count_on 3 1) $(count_on 3 2) $(count_on 3 3)"
  check "4. $right of $NAMES names answered with their address" [ "$right" = $NAMES ]
  names_on 3 2 >"$work/names.3.2"
  check "4. redoubt 2 gets exactly its names back ($(count_on 3 2) of $(count_on 1 2))" \
    cmp -s "$work/names.1.2" "$work/names.3.2"
  local sent; sent=$(awk '$2 == 2 {s += $3} END {print s + 0}' "$work/where.3")
  echo "# redoubt 2's upstream queries (its /metrics) before round 3: ${up0:-?}, after: ${up1:-?}"
  check "4. and answers them from the LMDB cache kept across kill -9 (upstream queries for them: $sent)" \
    [ "$sent" = 0 ]

  # 5. dnsdist restarted: the fixed ids and hash seed keep every name on its instance.
  stop "$dd_pid"; dd_pid=''
  if ! start_dnsdist; then not_ok "5. dnsdist restarted and saw the three backends up"; finish; fi
  take_marks
  right=$(ask 4)
  where 4
  check "5. after a dnsdist restart, $right of $NAMES names answered with their address" [ "$right" = $NAMES ]
  check "5. and every name went to the same instance as before the restart" same_mapping 1 4
  echo "# checked in $((SECONDS - start)) s"
  finish
}

main "$@"
