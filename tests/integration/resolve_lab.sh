#!/usr/bin/env bash
# Runs redoubt against the lab (tests/lab) and checks what a stub resolver gets:
#   1. every row of tests/lab/expectations.tsv, resolved from the lab's private root with the
#      lab's trust anchor: the RCODE and answer the table names, AD set exactly on secure rows,
#      SERVFAIL with an Extended DNS Error on bogus rows (and their data with CD set), the
#      signature-capped TTL on ttl-capped rows, and never the forged 6.6.6.6 of the spoof.beta.
#      rows;
#   2. TC over UDP at 1232 octets for a large answer, and the full answer over TCP;
#   3. REFUSED for RD=0 and for clients outside access-control, FORMERR for garbage;
#   4. forward zones: a forwarded zone is asked of its configured server only;
#   5. CHECKSUM (specs/checksum.md): upstream queries to the lab's CHECKSUM front carry the
#      option; forged, re-nonced and stripped replies are fetched again over TCP (the front's
#      log shows it); a stub's CHECKSUM query gets a sealed reply (checksum_client.py);
#   6. a clean shutdown on SIGTERM, whose totals count the CHECKSUM drops;
#   7. the RFC 8509 root key sentinel against the lab root's key tag.
# Brings the lab up first unless it is already up. Ends with "resolver: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lab/lib/common.sh"
bin=${REDOUBT_BIN:-$root/${REDOUBT_BUILD_DIR:-build}/resolver/redoubt}
work=$(mktemp -d /tmp/redoubt-resolve.XXXXXX)
main_addr=127.53.201.1 fwd_addr=127.53.201.2 outside_client=127.53.202.1
localroot_addr=127.53.201.3
table_addr=$main_addr  # Where check_table asks: the main instance, then the local-root one.
passed=0 failed=0 pending=0 started_lab=0 pids=()

pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for a in $main_addr $fwd_addr $outside_client $localroot_addr; do ip addr del "$a/32" dev lo 2>/dev/null; done
  [ $started_lab -eq 1 ] && "$root/tests/lab/lab" down >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# start_redoubt NAME ADDRESS [EXTRA YAML LINES...]: writes a config and starts the daemon.
start_redoubt() {
  local name=$1 address=$2; shift 2
  ip addr add "$address/32" dev lo 2>/dev/null
  {
    echo "listen: [\"$address:53\"]"
    echo "workers: 2"
    echo "root-hints: $LAB_DIR/root.hints"
    echo "allow-loopback-upstreams: true"
    echo "trust-anchors: [\"$LAB_DIR/root.ds\"]"
    echo "builtin-root-anchor: false"
    echo "cache: {directory: \"$work/$name-cache\"}"
    printf '%s\n' "$@"
  } >"$work/$name.yaml"
  "$bin" --check-config -c "$work/$name.yaml" || return 1
  "$bin" -c "$work/$name.yaml" >"$work/$name.log" 2>&1 &
  pids+=($!)
  wait_for_resolver "$address"
}

status_of() { sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$1" | head -1; }
flags_of() { sed -n 's/.*;; flags: \([a-z ]*\);.*/\1/p' <<<"$1" | head -1; }
answers_of() { awk '/^;; ANSWER SECTION:/ {on=1; next} /^$/ {on=0} on {print $5}' <<<"$1"; }
contains() {
  local out=$1 items=$2 item
  [ "$items" = "*" ] && return 0
  if [ "$items" = "-" ]; then [ -z "$out" ]; return; fi
  IFS=',' read -ra list <<<"$items"
  for item in "${list[@]}"; do grep -qiF -- "$item" <<<"$out" || return 1; done
}

# check_security QNAME QTYPE SECURITY OUTPUT: AD on secure rows only (RFC 4035 section 3.2.3);
# bogus rows: SERVFAIL with an EDE, and the data with CD set (RFC 4035 section 3.2.2).
check_security() {
  local flags; flags=" $(flags_of "$4") "
  case "$3" in
    secure) [[ "$flags" == *" ad "* ]] && pass "security $1 $2: AD set" ||
              fail "security $1 $2: secure row without AD (flags [$flags])" ;;
    insecure) [[ "$flags" != *" ad "* ]] && pass "security $1 $2: no AD" ||
                fail "security $1 $2: insecure row with AD" ;;
    bogus)
      local ede; ede=$(sed -n 's/.*; EDE: \([0-9]*\).*/\1/p' <<<"$4" | head -1)
      local cd; cd=$(dig +cd +time=12 +tries=1 @"$table_addr" "$1" "$2" 2>&1)
      if [ -n "$ede" ] && [ "$(status_of "$cd")" = NOERROR ] && [ -n "$(answers_of "$cd")" ] &&
         [[ " $(flags_of "$cd") " != *" ad "* ]]; then
        pass "security $1 $2: SERVFAIL with EDE $ede; data without AD under CD"
      else
        fail "security $1 $2: EDE [${ede:-none}], with CD: $(status_of "$cd") [$(answers_of "$cd" | tr '\n' ' ')]"
      fi ;;
  esac
}

check_ttl_capped() {  # check_ttl_capped QNAME QTYPE: TTL <= min(300, signature expiry - now)
  local expires; expires=$(cat "$LAB_DIR/ttlcap.expires" 2>/dev/null)
  local cap=$((${expires:-0} - $(date +%s))); [ $cap -gt 300 ] && cap=300
  local ttl; ttl=$(dig +noall +answer +time=5 @"$table_addr" "$1" "$2" | awk '$4 == "'"$2"'" {print $2; exit}')
  if [ -n "$ttl" ] && [ "$ttl" -le "$cap" ]; then
    pass "ttl $1 $2: $ttl <= $cap (Original TTL 300, expiry in $((${expires:-0} - $(date +%s))) s; served 86400)"
  else
    fail "ttl $1 $2: got ${ttl:-none}, want at most $cap"
  fi
}

check_row() {  # check_row QNAME QTYPE RCODE ANSWER SECURITY
  local wait=12; [ "$5" = fail ] && wait=11
  local out; out=$(dig +dnssec +time=$wait +tries=1 @"$table_addr" "$1" "$2" 2>&1)
  local status; status=$(status_of "$out")
  local ans; ans=$(answers_of "$out")
  if [ "$5" = fail ]; then
    if [ -z "$ans" ] && { [ "$status" = SERVFAIL ] || [ -z "$status" ]; }; then
      pass "resolve $1 $2: ${status:-no answer} (fail row)"
    else
      fail "resolve $1 $2: got $status [$(echo $ans)], want SERVFAIL and no data"
    fi
    return
  fi
  if grep -q '^6\.6\.6\.6$' <<<"$ans"; then
    fail "resolve $1 $2: POISONED: the forged address 6.6.6.6 was accepted"
  elif [ "$status" = "$3" ] && contains "$ans" "$4"; then
    pass "resolve $1 $2: $status"
    check_security "$1" "$2" "$5" "$out"
  else
    fail "resolve $1 $2: got $status [$(echo $ans)], want $3 [$4]"
  fi
}

check_table() {
  local qname qtype auth auth_rcode auth_answer rcode answer security checks note
  while IFS=$'\t' read -r qname qtype auth auth_rcode auth_answer rcode answer security checks note; do
    [[ -z "$qname" || "$qname" == \#* || "$qname" == qname ]] && continue
    if [ "$checks" = pending ]; then
      pending=$((pending + 1)); echo "SKIP $qname $qtype: pending"; continue
    fi
    # The main instance has legacy.'s KEY as a legacy trust point (issue #13): the RFC 2065
    # verdict of the independent verifier is what a stub must see there.
    if [[ "$checks" == legacy-* ]]; then
      security=${checks#legacy-}
      [ "$security" = bogus ] && { rcode=SERVFAIL; answer=-; }
    fi
    check_row "$qname" "$qtype" "$rcode" "$answer" "$security"
    [ "$checks" = ttl-capped ] && check_ttl_capped "$qname" "$qtype"
  done <"$root/tests/lab/expectations.tsv"
}

check_transport() {
  local udp tcp
  udp=$(dig +ignore +bufsize=1232 +time=5 @"$main_addr" big.sec.alpha. TXT 2>&1)
  tcp=$(dig +tcp +time=5 @"$main_addr" big.sec.alpha. TXT 2>&1)
  if [[ " $(flags_of "$udp") " == *" tc "* ]] && [ "$(answers_of "$tcp" | wc -l)" -eq 24 ]; then
    pass "transport: TC over UDP, all 24 TXT records over TCP"
  else
    fail "transport: UDP flags [$(flags_of "$udp")], $(answers_of "$tcp" | wc -l) records over TCP"
  fi
  local small; small=$(dig +noedns +ignore +time=5 @"$main_addr" big.sec.alpha. TXT 2>&1)
  local size; size=$(sed -n 's/.*MSG SIZE  rcvd: \([0-9]*\).*/\1/p' <<<"$small")
  if [ "${size:-9999}" -le 512 ] && [[ " $(flags_of "$small") " == *" tc "* ]]; then
    pass "transport: a client without EDNS gets at most 512 octets ($size) with TC"
  else
    fail "transport: no-EDNS reply of ${size:-?} octets, flags [$(flags_of "$small")]"
  fi
}

check_refusals() {
  local out
  out=$(dig +norecurse +time=3 @"$main_addr" www.alpha. A 2>&1)
  [ "$(status_of "$out")" = REFUSED ] && pass "RD=0 is refused" || fail "RD=0: $(status_of "$out")"
  ip addr add "$outside_client/32" dev lo 2>/dev/null
  out=$(dig -b "$outside_client" +time=3 @"$main_addr" www.alpha. A 2>&1)
  [ "$(status_of "$out")" = REFUSED ] && pass "a client outside access-control is refused" \
    || fail "outside client: $(status_of "$out")"
  # Twelve octets of header claiming one question that is not there: FORMERR.
  local reply
  reply=$(printf '\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00' \
    | timeout 3 /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(sys.stdin.buffer.read(), (sys.argv[1], 53))
data = s.recv(4096); print(data[0:2].hex(), data[3] & 15)' "$main_addr" 2>&1)
  [ "$reply" = "1234 1" ] && pass "a malformed query gets FORMERR with its ID" || fail "malformed query: '$reply'"
}

check_forwarding() {
  # beta. forwarded to alpha.'s server, which does not serve it: REFUSED there, so SERVFAIL
  # here, where iteration would have answered; sec.alpha. forwarded to its own server answers.
  local out
  out=$(dig +time=8 +tries=1 @"$fwd_addr" www.beta. A 2>&1)
  [ "$(status_of "$out")" = SERVFAIL ] && pass "forward zone beta. goes only to its forwarder" \
    || fail "forward zone beta.: $(status_of "$out")"
  out=$(dig +time=8 +tries=1 @"$fwd_addr" www.sec.alpha. A 2>&1)
  contains "$(answers_of "$out")" 192.0.2.10 && pass "forward zone sec.alpha. answers" \
    || fail "forward zone sec.alpha.: $(status_of "$out")"
  # This instance has no legacy trust point: an RFC 2065 zone is what it is to a modern
  # validator, insecure (no DS for legacy. in the root), answered without AD.
  out=$(dig +dnssec +time=8 +tries=1 @"$fwd_addr" www.legacy. A 2>&1)
  if contains "$(answers_of "$out")" 192.0.2.50 && [[ " $(flags_of "$out") " != *" ad "* ]]; then
    pass "without a legacy trust point www.legacy. A is insecure (no AD)"
  else
    fail "without a legacy trust point www.legacy. A: $(status_of "$out") [$(flags_of "$out")]"
  fi
}

# check_front_log FROM: what the CHECKSUM front saw from line FROM of its log on (case-blind:
# redoubt randomises the question's case).
check_front_log() {
  local log="$LAB_DIR/run/responders/checksum.log" seen name
  seen=$(tail -n +"$1" "$log" 2>/dev/null | tr 'A-Z' 'a-z')
  grep -q "^udp www.sum.beta. checksum none" <<<"$seen" \
    && pass "checksum: redoubt's UDP queries to the front carry the option" \
    || fail "checksum: no UDP query with the option in $log"
  for name in corrupt nonce strip; do
    grep -q "^tcp $name.sum.beta. checksum" <<<"$seen" \
      && pass "checksum: $name.sum.beta. (UDP reply dropped) asked again over TCP" \
      || fail "checksum: no TCP retry for $name.sum.beta."
  done
}

# RFC 8509 root key sentinel: with the lab root's KSK tag T (root.ds) and another tag O, a
# secure wildcard answer is given for is-ta-T and not-ta-O, and SERVFAIL for is-ta-O and not-ta-T.
check_root_key_sentinel() {
  local tag other name out want
  tag=$(awk '$0 !~ /^;/ { for (i = 1; i < NF; i++) if ($i == "DS") { print $(i + 1); exit } }' "$LAB_DIR/root.ds")
  [ -n "$tag" ] || { fail "root key sentinel: no key tag in $LAB_DIR/root.ds"; return; }
  tag=$(printf '%05d' "$tag"); other=$(printf '%05d' $(((10#$tag + 1) % 65536)))
  for name in "is-ta-$tag NOERROR" "not-ta-$other NOERROR" "is-ta-$other SERVFAIL" "not-ta-$tag SERVFAIL"; do
    want=${name#* }; name=${name% *}
    out=$(dig +tries=1 +time=5 @"$main_addr" "root-key-sentinel-$name.wild.sec.alpha." A)
    if [ "$(status_of "$out")" = "$want" ]; then
      pass "root key sentinel: root-key-sentinel-$name gives $want (RFC 8509, lab KSK $tag)"
    else
      fail "root key sentinel: root-key-sentinel-$name: $(status_of "$out"), want $want"
    fi
  done
}

check_checksum_server() {
  local out
  out=$(timeout 20 /usr/bin/python3 "$here/checksum_client.py" "$main_addr" 2>&1); local rc=$?
  while read -r line; do
    case "$line" in ok*) pass "checksum server: ${line#ok }" ;; *) fail "checksum server: $line" ;; esac
  done <<<"$out"
  [ $rc -eq 0 ] || [ -n "$out" ] || fail "checksum server: checksum_client.py failed"
}

check_checksum_totals() {
  local line; line=$(grep "checksum:" "$work/main.log" | sed 's/^redoubt: //')
  local digest nonce down
  digest=$(sed -n 's/.* \([0-9]*\) digest mismatches.*/\1/p' <<<"$line")
  nonce=$(sed -n 's/.* \([0-9]*\) nonce mismatches.*/\1/p' <<<"$line")
  down=$(sed -n 's/.* \([0-9]*\) downgrades.*/\1/p' <<<"$line")
  if [ "${digest:-0}" -ge 1 ] && [ "${nonce:-0}" -ge 1 ] && [ "${down:-0}" -ge 1 ]; then
    pass "checksum totals at shutdown: $line"
  else
    fail "checksum totals: '$line'"
  fi
}

# The upstream socket mode redoubt chose matches this namespace's ephemeral port range: reused
# sockets when it is 1024-65535 (tests/integration/in_wide_port_range.sh), a socket per query
# otherwise (net/io/udp_socket.h).
check_upstream_mode() {
  local range want low high
  range=$(tr -s '[:space:]' ' ' </proc/sys/net/ipv4/ip_local_port_range | sed 's/ $//')
  want="a socket per query"
  read -r low high <<<"$range"
  [ "$low" -le 1024 ] && [ "$high" -eq 65535 ] && want="sockets reused"
  if grep -q "upstream UDP: $want" "$work/main.log"; then
    pass "upstream UDP with the port range $range: $want"
  else
    fail "upstream UDP with the port range $range: wanted \"$want\", log: $(grep "upstream UDP" "$work/main.log")"
  fi
}

check_shutdown() {
  local pid=${pids[0]}
  kill -TERM "$pid"
  local i; for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  wait "$pid"; local rc=$?
  # "0 stranded": every client query's coroutine ended before its worker did (TaskScope).
  if [ $rc -eq 0 ] && grep -q "shutting down" "$work/main.log" && grep -q "served.* 0 stranded at shutdown" "$work/main.log"; then
    pass "SIGTERM: clean exit ($(grep "redoubt: served" "$work/main.log" | sed 's/^redoubt: //'))"
  else
    fail "SIGTERM: exit $rc; log: $(tail -3 "$work/main.log")"
  fi
  check_checksum_totals
}

# RFC 8806: an instance that mirrors the lab's root from its primary (Knot, which allows the
# lab's transfers) answers the whole table with the same verdicts, the root's answers coming
# from the copy (validated like any others) and its referrals handed to the iterator.
check_local_root() {
  local i; for i in $(seq 1 100); do grep -q "mirror \. from .*AXFR: serial" "$work/localroot.log" && break; sleep 0.1; done
  if grep -q "mirror \. from .*AXFR: serial" "$work/localroot.log"; then
    pass "local root: $(grep -m1 'mirror \. from' "$work/localroot.log" | sed 's/^redoubt: //')"
  else
    fail "local root: no AXFR of the root: $(grep mirror "$work/localroot.log" | tail -2)"
    return
  fi
  table_addr=$localroot_addr
  check_table
  table_addr=$main_addr
  local pid=${pids[-1]}
  kill -TERM "$pid"
  local i; for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  wait "$pid"
  local line; line=$(grep -m1 "mirror: " "$work/localroot.log" | sed 's/^redoubt: //')
  if [[ "$line" =~ \ ([1-9][0-9]*)\ answers\ from\ copies,\ ([1-9][0-9]*)\ referrals ]]; then
    pass "local root: the root's answers and referrals came from the copy ($line)"
  else
    fail "local root: ${line:-no mirror: line}"
  fi
}

main() {
  local start=$SECONDS
  [ -x "$bin" ] || { echo "resolver: $bin is missing (build first)"; echo "resolver: 0 passed, 1 failed"; exit 1; }
  if ! dig +time=1 +tries=1 +short @"$(zone_address .)" . SOA 2>/dev/null | grep -q .; then
    "$root/tests/lab/lab" up || { echo "resolver: 0 passed, 1 failed"; exit 1; }
    started_lab=1
  fi
  if ! start_redoubt main $main_addr "access-control: { allow: [127.0.0.1/32, $main_addr/32] }" \
      "legacy-trust-anchors: [\"$LAB_DIR/legacy.key\"]"; then
    fail "redoubt did not start: $(cat "$work/main.log" 2>/dev/null)"
  else
    local front_from; front_from=$(($(wc -l <"$LAB_DIR/run/responders/checksum.log" 2>/dev/null || echo 0) + 1))
    check_table
    check_front_log "$front_from"
    check_transport
    check_refusals
    check_checksum_server
    check_root_key_sentinel
  fi
  if start_redoubt fwd $fwd_addr \
      "forward-zones: [{name: beta., servers: [\"$(zone_address alpha.)\"]}, {name: sec.alpha., servers: [\"$(zone_address sec.alpha.)\"]}]"; then
    check_forwarding
  else
    fail "the forwarding instance did not start: $(cat "$work/fwd.log" 2>/dev/null)"
  fi
  if start_redoubt localroot $localroot_addr "access-control: { allow: [127.0.0.1/32, $localroot_addr/32] }" \
      "legacy-trust-anchors: [\"$LAB_DIR/legacy.key\"]" \
      "mirror-zones: [{name: \".\", primaries: [\"$(zone_address .)\"]}]"; then
    check_local_root
  else
    fail "the local-root instance did not start: $(cat "$work/localroot.log" 2>/dev/null)"
  fi
  [ ${#pids[@]} -gt 0 ] && check_upstream_mode
  [ ${#pids[@]} -gt 0 ] && check_shutdown
  echo "resolver: checked in $((SECONDS - start)) s, $pending pending"
  echo "resolver: $passed passed, $failed failed"
  [ $failed -eq 0 ]
}

main "$@"
