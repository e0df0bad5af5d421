#!/usr/bin/env bash
# KeyTrap (CVE-2023-50387) against redoubt on the lab, whose limits are in
# resolver/query/validation_budget.h. keytrap.alpha. (built at `lab up` by redoubt-keytrap-sign,
# tests/lab/lib/keytrap.sh) has 61 DNSKEYs sharing the ZSK's key tag and 32 RRSIGs over every
# RRset, all invalid but the last, and a wildcard, so every new name below it costs a fresh
# validation. redoubt runs with one worker and the lab's trust anchor.
#
#   1. a benign name (www.sec.alpha. A) is resolved and cached, then timed idle (PROBES queries);
#   2. CLIENTS parallel clients each send ROUNDS KeyTrap queries for distinct names, while the
#      cached benign name is timed again (PROBES queries, one after the other);
#   3. redoubt is stopped with SIGTERM and its "validation: ..." line read.
# It prints the latencies (median and max, idle and under attack; kdig's own timing) and the
# work figures, but never passes or fails on time. It checks only: every KeyTrap answer is
# SERVFAIL or secure (NOERROR with AD and the zone's address; never data without AD, never no
# answer), every benign answer is the right address with AD, and the most signature checks one
# query cost (the shutdown line's "at most M for one query") is within the configured budget.
# Counts: KEYTRAP_CLIENTS (50), KEYTRAP_ROUNDS (4), KEYTRAP_PROBES (20); KEYTRAP_KEEP=1 keeps
# the work directory (every answer, redoubt's log). Every query is bounded
# (kdig +timeout=15 +retry=0), so is the shutdown wait. Brings the lab up first unless it is
# already up (and then takes it down again). Ends with "keytrap: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lab/lib/common.sh"
bin=${REDOUBT_BIN:-$root/${REDOUBT_BUILD_DIR:-build}/resolver/redoubt}
clients=${KEYTRAP_CLIENTS:-50} rounds=${KEYTRAP_ROUNDS:-4} probes=${KEYTRAP_PROBES:-20}
budget=32  # limits.signature-checks, written into the config below (the default as well).
work=$(mktemp -d /tmp/redoubt-keytrap.XXXXXX)
addr=127.53.203.1 benign=www.sec.alpha. benign_address=192.0.2.10 wild_address=192.0.2.131
passed=0 failed=0 started_lab=0 redoubt_pid= attack_pids=()

pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

cleanup() {
  local pid
  for pid in "${attack_pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -n "$redoubt_pid" ] && kill "$redoubt_pid" 2>/dev/null
  ip addr del "$addr/32" dev lo 2>/dev/null
  [ $started_lab -eq 1 ] && "$root/tests/lab/lab" down >/dev/null 2>&1
  [ -n "${KEYTRAP_KEEP:-}" ] && echo "keytrap: kept $work" || rm -rf "$work"
}
trap cleanup EXIT

start_redoubt() {
  ip addr add "$addr/32" dev lo 2>/dev/null
  printf '%s\n' "listen: [\"$addr:53\"]" "workers: 1" "root-hints: $LAB_DIR/root.hints" \
    "allow-loopback-upstreams: true" "trust-anchors: [\"$LAB_DIR/root.ds\"]" \
    "builtin-root-anchor: false" "limits: {signature-checks: $budget}" \
    "cache: {directory: \"$work/cache\"}" >"$work/redoubt.yaml"
  "$bin" --check-config -c "$work/redoubt.yaml" || return 1
  "$bin" -c "$work/redoubt.yaml" >"$work/redoubt.log" 2>&1 &
  redoubt_pid=$!
  wait_for_resolver "$addr"
}

ask() { kdig @"$addr" +dnssec +timeout=15 +retry=0 "$@" 2>&1; }  # ask NAME TYPE
status_of() { sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$1" | head -1; }
has_ad() { grep -qE '^;; Flags:.* ad( |;)' <<<"$1"; }
addresses_of() { awk '$1 !~ /^;/ && $3 == "IN" && $4 == "A" { print $5 }' <<<"$1"; }
millis_of() { sed -n 's/^;; From .* in \([0-9.]*\) ms$/\1/p' <<<"$1" | head -1; }

# summary FILE: "median X ms, max Y ms (n=N)" over one number per line.
summary() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "no answers"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "median %.2f ms, max %.2f ms (n=%d)", m, v[NR], NR }'
}

# probe_benign LABEL: PROBES timed queries for the cached benign name; each must be the right
# address with AD. Times go to $work/benign-LABEL.ms.
probe_benign() {
  local label=$1 i out bad=0
  : >"$work/benign-$label.ms"
  for i in $(seq 1 "$probes"); do
    out=$(ask "$benign" A)
    if [ "$(status_of "$out")" = NOERROR ] && has_ad "$out" && [ "$(addresses_of "$out")" = "$benign_address" ]; then
      millis_of "$out" >>"$work/benign-$label.ms"
    else
      bad=$((bad + 1)); echo "   bad benign answer ($label): $(status_of "$out") $(addresses_of "$out" | tr '\n' ' ')"
    fi
  done
  [ $bad -eq 0 ] && pass "benign $benign A ($label): $probes answers, all $benign_address with AD" \
    || fail "benign $benign A ($label): $bad of $probes answers wrong or without AD"
}

# attacker N: ROUNDS KeyTrap queries for names no one asked before, one after the other.
attacker() {
  local n=$1 r
  for r in $(seq 1 "$rounds"); do
    ask "kt$n-$r-$$.keytrap.alpha." A >"$work/attack-$n-$r.out"
  done
}

# check_attack: every KeyTrap answer SERVFAIL, or secure (AD with the wildcard's address).
check_attack() {
  local f out status servfail=0 secure=0 bad=0 ede
  : >"$work/keytrap.ms"
  for f in "$work"/attack-*.out; do
    out=$(cat "$f"); status=$(status_of "$out")
    if [ "$status" = SERVFAIL ] && ! has_ad "$out"; then
      servfail=$((servfail + 1))
    elif [ "$status" = NOERROR ] && has_ad "$out" && [ "$(addresses_of "$out")" = "$wild_address" ]; then
      secure=$((secure + 1))
    else
      bad=$((bad + 1)); echo "   bad KeyTrap answer: ${status:-no answer} $(addresses_of "$out" | tr '\n' ' ')"
    fi
    millis_of "$out" >>"$work/keytrap.ms"
  done
  # Extended DNS Errors by code (the texts name each query), and no EDE at all.
  ede=$(for f in "$work"/attack-*.out; do grep -m1 -o '^;; EDE: [0-9]* ([^)]*)' "$f" || echo "no EDE"; done \
    | sed 's/^;; //' | sort | uniq -c | sort -rn | sed 's/^ */   /')
  echo "$ede"
  [ $bad -eq 0 ] && pass "KeyTrap answers: $servfail SERVFAIL, $secure secure, none unvalidated" \
    || fail "KeyTrap answers: $bad neither SERVFAIL nor secure ($servfail SERVFAIL, $secure secure)"
  echo "   KeyTrap query latency: $(summary "$work/keytrap.ms")"
}

run_attack() {
  local n start=$(date +%s.%N)
  for n in $(seq 1 "$clients"); do attacker "$n" & attack_pids+=($!); done
  probe_benign busy
  local probes_done=$(date +%s.%N)
  for n in "${attack_pids[@]}"; do wait "$n"; done
  attack_pids=()
  local end=$(date +%s.%N)
  echo "   $((clients * rounds)) KeyTrap queries from $clients clients in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s;" \
    "the benign probes ended $(awk -v a="$start" -v b="$probes_done" 'BEGIN { printf "%.2f", b - a }') s after the attack began"
  check_attack
}

# check_shutdown: SIGTERM, then "at most M for one query" from the validation line, M <= budget.
check_shutdown() {
  kill -TERM "$redoubt_pid"
  local i; for i in $(seq 1 150); do kill -0 "$redoubt_pid" 2>/dev/null || break; sleep 0.1; done
  wait "$redoubt_pid"; local rc=$?
  redoubt_pid=
  local line; line=$(grep "validation:" "$work/redoubt.log" | sed 's/^redoubt: //' | tail -1)
  local most; most=$(sed -n 's/.*at most \([0-9]*\) for one query.*/\1/p' <<<"$line")
  echo "   $line"
  [ $rc -eq 0 ] && pass "SIGTERM: clean exit" || fail "SIGTERM: exit $rc; log: $(tail -3 "$work/redoubt.log")"
  if [ -n "$most" ] && [ "$most" -le $budget ]; then
    pass "at most $most signature checks for one query (budget $budget)"
  else
    fail "signature checks for one query: '${most:-no validation line}', budget $budget"
  fi
}

main() {
  local start=$SECONDS
  [ -x "$bin" ] || { echo "keytrap: $bin is missing (build first)"; echo "keytrap: 0 passed, 1 failed"; exit 1; }
  if ! dig +time=1 +tries=1 +short @"$(zone_address .)" . SOA 2>/dev/null | grep -q .; then
    "$root/tests/lab/lab" up || { echo "keytrap: 0 passed, 1 failed"; exit 1; }
    started_lab=1
  fi
  if ! start_redoubt; then
    fail "redoubt did not start: $(cat "$work/redoubt.log" 2>/dev/null)"
  else
    local warm; warm=$(ask "$benign" A)
    if [ "$(status_of "$warm")" = NOERROR ] && has_ad "$warm"; then
      pass "warm-up: $benign A cached ($(addresses_of "$warm"), AD)"
    else
      fail "warm-up: $benign A gave $(status_of "$warm") $(addresses_of "$warm")"
    fi
    probe_benign idle
    run_attack
    echo "   benign $benign A idle:         $(summary "$work/benign-idle.ms")"
    echo "   benign $benign A under attack: $(summary "$work/benign-busy.ms")"
    check_shutdown
  fi
  echo "keytrap: checked in $((SECONDS - start)) s"
  echo "keytrap: $passed passed, $failed failed"
  [ $failed -eq 0 ]
}

main "$@"
