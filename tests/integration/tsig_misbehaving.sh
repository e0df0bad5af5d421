#!/usr/bin/env bash
# redoubt against a forwarder that misbehaves with TSIG on purpose (RFC 8945; docs/tsig.md;
# security.md section D). tests/lab/tsig_responder.py serves tsig.test. on 127.55.0.2 and picks
# its behaviour from the query's first label; redoubt (127.55.0.1) forwards tsig.test. to it with
# tsig-key fwd.tsig.test. Needs no lab: root hints point at 127.55.0.3, where nothing listens,
# so nothing leaves loopback. Checks, for each mode, what a stub gets from redoubt:
#   good, forgedfirst, tcpok: NOERROR with 192.0.2.1, never the forged 6.6.6.6 (tcpok: the
#     answer came from the TCP retry; forgedfirst: from the signed UDP reply after the forged
#     one, no TCP; good: a second ask is served from the cache);
#   unsigned, badmac, replay, wrongkey, truncmac, truncmac16, longmac, badtime, notlast,
#     badkey, badkeynoq, srvbadtime: SERVFAIL with EDE 22 whose text names the reason (BADTIME
#     names the clock difference), the forwarder asked once over UDP and once over TCP (no hot
#     loop), and asked again: still SERVFAIL (the failure was not cached as an answer);
#   every query the responder saw was signed with the key and verified by dnspython;
#   at SIGTERM a clean exit whose "tsig:" line counts exactly what the responder sent, by reason.
# Prints "ok - ..." / "not ok - ..." per check and ends with "tsig-misbehaving: N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/${REDOUBT_BUILD_DIR:-build}/resolver/redoubt}
py=/usr/bin/python3  # The one with dnspython (python3-dnspython), not a pyenv shim.
redoubt_addr=127.55.0.1 responder_addr=127.55.0.2 dead_addr=127.55.0.3
zone=tsig.test. key_name=fwd.tsig.test.
prefix="no forwarder for $zone answered: "
work=$(mktemp -d /tmp/redoubt-tsig-misbehaving.XXXXXX)
qlog=$work/responder.log rlog=$work/redoubt.log
passed=0 failed=0 added=() redoubt_pid= responder_pid=
source "$here/lib/harness.sh"

cleanup() {
  stop "$redoubt_pid"; stop "$responder_pid"
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() {
  local a; for a in $redoubt_addr $responder_addr $dead_addr; do add_address "$a" || return 1; done
  secret=$(head -c 32 /dev/urandom | base64)
  (umask 077; printf 'key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$key_name" "$secret" >"$work/fwd.key")
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A %s\n' "$dead_addr" >"$work/root.hints"
  cat >"$work/redoubt.yaml" <<EOF
listen: ["$redoubt_addr:53"]
workers: 2
root-hints: $work/root.hints
allow-loopback-upstreams: true
builtin-root-anchor: false
do-ip6: false
cache: {directory: "$work/cache", max-size: 16M}
tsig-keys: [{key-file: "$work/fwd.key"}]
forward-zones: [{name: $zone, servers: ["$responder_addr"], tsig-key: $key_name}]
EOF
  "$py" "$root/tests/lab/tsig_responder.py" --address "$responder_addr" --port 53 --zone "$zone" \
    --key-name "$key_name" --algorithm hmac-sha256 --secret "$secret" --log "$qlog" \
    >"$work/responder.out" 2>&1 &
  responder_pid=$!
  if ! wait_for_line "$qlog" "^ready " 100; then
    echo "responder did not start: $(cat "$work/responder.out")"; return 1
  fi
  "$bin" --check-config -c "$work/redoubt.yaml" >"$work/check.out" 2>&1 ||
    { echo "config refused: $(cat "$work/check.out")"; return 1; }
  "$bin" -c "$work/redoubt.yaml" >"$rlog" 2>&1 &
  redoubt_pid=$!
  if ! wait_for_line "$rlog" "listening on" 100 || ! kill -0 "$redoubt_pid" 2>/dev/null; then
    echo "redoubt did not start: $(cat "$rlog")"; return 1
  fi
}

ede_of() { grep -m1 '; EDE:' <<<"$1" | sed 's/^; //'; }
ask() { dig +time=10 +tries=1 +nocookie @"$redoubt_addr" "$1" A 2>&1; }
# seen NAME [PROTO]: queries the responder logged for NAME (over PROTO).
seen() { grep -c "^${2:-[a-z]*} $1 " "$qlog"; }

# check_answer MODE: NOERROR with 192.0.2.1 and nothing else (never 6.6.6.6).
check_answer() {
  local mode=$1 name="$1.$zone" out status ans
  out=$(ask "$name"); status=$(status_of "$out"); ans=$(answers_of "$out")
  if [[ " $ans " == *" 6.6.6.6 "* ]]; then
    not_ok "$mode: POISONED: the forged 6.6.6.6 was accepted (dig @$redoubt_addr $name A: $status [$ans])"
  elif [ "$status" = NOERROR ] && [ "$ans" = 192.0.2.1 ]; then
    ok "$mode: NOERROR 192.0.2.1 (responder saw $(seen "$name" udp) UDP, $(seen "$name" tcp) TCP queries)"
  else
    not_ok "$mode: dig @$redoubt_addr $name A: ${status:-no reply} [$ans] $(ede_of "$out"), want NOERROR [192.0.2.1]"
  fi
}

# check_refused MODE REGEX: SERVFAIL, EDE 22 whose text matches "no forwarder ... answered: REGEX",
# the responder asked once over UDP and once over TCP; asked again, still SERVFAIL.
check_refused() {
  local mode=$1 want=$2 name="$1.$zone" out status ans ede
  out=$(ask "$name"); status=$(status_of "$out"); ans=$(answers_of "$out"); ede=$(ede_of "$out")
  if [ "$status" = SERVFAIL ] && [ -z "$ans" ] && [[ "$ede" == "EDE: 22 "* ]] &&
     grep -qE -- "\($(sed 's/[.]/\\./g' <<<"$prefix")$want\)" <<<"$ede"; then
    ok "$mode: SERVFAIL, $ede"
  else
    not_ok "$mode: dig @$redoubt_addr $name A: ${status:-no reply} [$ans] ${ede:-no EDE}; want SERVFAIL, EDE 22 (${prefix}$want)"
  fi
  local udp tcp; udp=$(seen "$name" udp) tcp=$(seen "$name" tcp)
  if [ "$udp" -eq 1 ] && [ "$tcp" -eq 1 ]; then
    ok "$mode: asked once over UDP, then once over TCP (no hot loop)"
  else
    not_ok "$mode: the responder saw $udp UDP and $tcp TCP queries for $name, want 1 and 1"
  fi
  local before=$((udp + tcp)) again
  out=$(ask "$name"); status=$(status_of "$out"); ans=$(answers_of "$out")
  again=$(($(seen "$name") - before))
  if [ "$status" = SERVFAIL ] && [ -z "$ans" ]; then
    ok "$mode: asked again, still SERVFAIL, not served from the cache as an answer ($again more queries to the responder)"
  else
    not_ok "$mode: asked again: ${status:-no reply} [$ans], want SERVFAIL"
  fi
}

check_positive() {
  check_answer good
  local before; before=$(seen "good.$zone")
  local out; out=$(ask "good.$zone")
  if [ "$(status_of "$out")" = NOERROR ] && [ "$(answers_of "$out")" = 192.0.2.1 ] &&
     [ "$(seen "good.$zone")" -eq "$before" ]; then
    ok "good: asked again, answered from the cache (no new query to the responder)"
  else
    not_ok "good: asked again: $(status_of "$out") [$(answers_of "$out")], responder queries $before -> $(seen "good.$zone")"
  fi
  # D13: the forged UDP reply comes first; redoubt drops it (unsigned) and keeps waiting: the
  # answer is the signed UDP reply that follows, with no TCP retry (RFC 8945 section 5.4).
  check_answer forgedfirst
  if [ "$(seen "forgedfirst.$zone" tcp)" -eq 0 ]; then
    ok "forgedfirst: the forged reply did not end the wait: the signed UDP reply was taken"
  else
    not_ok "forgedfirst: a TCP retry followed the forged reply (the wait for the signed one ended)"
  fi
  check_answer tcpok
  if [ "$(seen "tcpok.$zone" tcp)" -ge 1 ]; then
    ok "tcpok: the bad UDP reply was dropped and the answer came from the TCP retry"
  else
    not_ok "tcpok: no TCP query for tcpok.$zone in the responder's log"
  fi
}

check_negative() {
  check_refused unsigned "TSIG: the reply was not signed"
  check_refused badmac "TSIG: the reply's MAC does not verify"
  check_refused replay "TSIG: the reply's MAC does not verify"
  check_refused wrongkey "TSIG: the reply is signed with another key or algorithm"
  check_refused truncmac "TSIG: the reply's TSIG is unusable \(MacTooShort\)"
  check_refused truncmac16 "TSIG: the reply's TSIG is unusable \(MacTooShort\)"
  check_refused longmac "TSIG: the reply's TSIG is unusable \(MacTooLong\)"
  check_refused badtime "TSIG: the reply was signed at a time 3(599|600|601) s behind this host's clock, outside its fudge: check the clocks"
  # A record after the TSIG: the reply does not parse, but it is ours by ID, so the TSIG
  # check judges it (RFC 8945 section 5.1) and the EDE names the reason.
  check_refused notlast "TSIG: the reply's TSIG is unusable \(Misplaced\)"
  check_refused badkey "TSIG: the server does not know our key or its algorithm \(BADKEY\)"
  check_refused badkeynoq "TSIG: the server does not know our key or its algorithm \(BADKEY\)"
  check_refused srvbadtime "TSIG: the server refused our time \(BADTIME\): its clock is 3(599|600|601) s ahead of this host's clock"
}

check_queries_signed() {
  local total bad; total=$(grep -vc '^ready ' "$qlog"); bad=$(grep -v '^ready ' "$qlog" | grep -vc ' req=ok ')
  if [ "$total" -gt 0 ] && [ "$bad" -eq 0 ]; then
    ok "all $total queries the responder saw (UDP and TCP) were signed with $key_name and verified by dnspython"
  else
    not_ok "$bad of $total queries to the responder were not signed or did not verify: $(grep -v '^ready ' "$qlog" | grep -v ' req=ok ' | head -3 | tr '\n' ';')"
  fi
}

# count SENT...: replies of those kinds in the responder's log.
count() { local n=0 k; for k in "$@"; do n=$((n + $(grep -c " sent=$k\$" "$qlog"))); done; echo $n; }
field() { sed -n "s/.* \([0-9]*\) $2.*/\1/p" <<<"$1"; }

check_shutdown() {
  kill -TERM "$redoubt_pid"
  local i; for i in $(seq 1 150); do kill -0 "$redoubt_pid" 2>/dev/null || break; sleep 0.1; done
  wait "$redoubt_pid"; local rc=$?
  redoubt_pid=
  if [ $rc -eq 0 ] && grep -q "served.* 0 stranded at shutdown" "$rlog"; then
    ok "SIGTERM: clean exit"
  else
    not_ok "SIGTERM: exit $rc; log: $(tail -3 "$rlog" | tr '\n' ';')"
  fi
  # Every upstream query went to the responder (nothing to the dead root hints address).
  local served upstream; served=$(grep -m1 "served " "$rlog" | sed 's/^redoubt: //')
  upstream=$(sed -n 's/.* with \([0-9]*\) upstream queries.*/\1/p' <<<"$served")
  if [ -n "$upstream" ] && [ "$upstream" -eq "$(grep -vc '^ready ' "$qlog")" ]; then
    ok "all $upstream upstream queries went to the responder"
  else
    not_ok "upstream queries: '${served:-no served line}', the responder saw $(grep -vc '^ready ' "$qlog")"
  fi
  # Exact: each reply the responder sent is judged once.
  local line; line=$(grep -m1 "tsig: " "$rlog" | sed 's/^redoubt: //')
  local want_signed want_verified want
  want_signed=$(grep -vc '^ready ' "$qlog")
  # A forged UDP reply is followed by the signed one (forgedfirst), which is verified too.
  want_verified=$(( $(count good) + $(grep -c "^udp .* sent=forged\$" "$qlog") ))
  want="$want_signed queries signed, $want_verified replies verified; refused: $(count unsigned forged) unsigned, $(count badmac) bad MAC, $(count otherkey) other key, $(count badtime) bad time, $(count malformed) malformed, $(count servererror) server TSIG errors"
  if [ "$line" = "tsig: $want" ]; then
    ok "shutdown counters match the responder's log: $line"
  else
    not_ok "shutdown counters: '${line:-no tsig: line}', from the responder's log want 'tsig: $want'"
  fi
  local reason missing=
  for reason in unsigned "bad MAC" "other key" "bad time" malformed "server TSIG errors"; do
    [ "${line:+$(field "$line" "$reason")}" -ge 1 ] 2>/dev/null || missing+=" [$reason]"
  done
  [ -z "$missing" ] && ok "shutdown counters count a rejection for every reason" \
    || not_ok "shutdown counters: no rejection counted for$missing"
}

main() {
  local began=$SECONDS
  if [ ! -x "$bin" ]; then
    echo "tsig-misbehaving: $bin is missing (build first)"; echo "tsig-misbehaving: 0 passed, 1 failed"; exit 1
  fi
  if [ ! -x "$py" ] || ! "$py" -c 'import dns.tsig' 2>/dev/null; then
    echo "tsig-misbehaving: $py with dnspython is missing"; echo "tsig-misbehaving: 0 passed, 1 failed"; exit 1
  fi
  if ! start; then
    not_ok "start: responder and redoubt"
  else
    ok "start: $(grep -m1 'TSIG keys:' "$rlog" | sed 's/^redoubt: //')"
    check_positive
    check_negative
    check_queries_signed
    check_shutdown
  fi
  echo "# tsig-misbehaving: checked in $((SECONDS - began)) s"
  echo "tsig-misbehaving: $passed passed, $failed failed"
  [ $failed -eq 0 ]
}

main "$@"
