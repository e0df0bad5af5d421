#!/usr/bin/env bash
# redoubt mirroring a zone from a real primary (NSD) through TSIG-signed zone transfers
# (docs/mirror.md; RFC 5936, RFC 1995, RFC 8945 section 5.3.1). NSD on 127.56.0.2 serves
# corp.mirror.test. and gives transfers only to the key xfr.mirror.test. (provide-xfr with a
# key; unsigned transfers are refused); redoubt (127.56.0.1) mirrors it with that key, and
# mirrors bad.mirror.test. with a key of the right name but a wrong secret. Root hints point at
# 127.56.0.3, where nothing listens, so every answer below comes from the copy or nowhere.
# Checks:
#   - the copy is transferred (signed AXFR) and answers: an A record, NXDOMAIN with the SOA,
#     NODATA, a CNAME followed inside the zone;
#   - a change on the primary (new serial, new name) reaches redoubt on the SOA REFRESH timer,
#     and, for a zone whose REFRESH is an hour, through NSD's signed NOTIFY at once; an
#     unsigned NOTIFY for that zone is refused;
#   - the wrong key: NSD refuses, redoubt logs the TSIG reason, publishes nothing, and the
#     zone is not answered from a copy;
#   - with the primary stopped, a restarted redoubt serves the copy kept in LMDB;
#   - the shutdown "mirror:" line counts the transfers and the answers from copies.
# Prints "ok - ..." / "not ok - ..." per check and ends with "mirror-lab: N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/${REDOUBT_BUILD_DIR:-build}/resolver/redoubt}
redoubt_addr=127.56.0.1 primary_addr=127.56.0.2 dead_addr=127.56.0.3
zone=corp.mirror.test. key_name=xfr.mirror.test.
work=$(mktemp -d /tmp/redoubt-mirror-lab.XXXXXX)
rlog=$work/redoubt.log
passed=0 failed=0 added=() redoubt_pid= nsd_pid=
source "$here/lib/harness.sh"

cleanup() {
  stop "$redoubt_pid"; stop "$nsd_pid"
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

write_zone() {  # SERIAL [EXTRA RECORDS]
  cat >"$work/corp.zone" <<EOF
\$ORIGIN $zone
\$TTL 300
@     SOA ns hostmaster $1 2 2 3600 60
@     NS  ns
ns    A   $primary_addr
www   A   192.0.2.10
alias CNAME www
$2
EOF
  printf '$ORIGIN bad.mirror.test.\n$TTL 300\n@ SOA ns hostmaster 1 2 2 3600 60\n@ NS ns\nns A %s\nwww A 192.0.2.99\n' \
    "$primary_addr" >"$work/bad.zone"
  # REFRESH one hour: a change reaches redoubt in seconds only through NOTIFY.
  printf '$ORIGIN notify.mirror.test.\n$TTL 300\n@ SOA ns hostmaster %s 3600 600 86400 60\n@ NS ns\nns A %s\n%s\n' \
    "$1" "$primary_addr" "${3:-}" >"$work/notify.zone"
}

start_nsd() {
  cat >"$work/nsd.conf" <<EOF
server:
  ip-address: $primary_addr
  port: 53
  zonesdir: "$work"
  pidfile: "$work/nsd.pid"
  xfrdfile: "$work/xfrd.state"
  zonelistfile: "$work/zone.list"
  database: ""
  username: ""
  chroot: ""
  logfile: "$work/nsd.log"
  verbosity: 2
remote-control:
  control-enable: no
key:
  name: $key_name
  algorithm: hmac-sha256
  secret: "$secret"
zone:
  name: $zone
  zonefile: corp.zone
  provide-xfr: 127.0.0.0/8 $key_name
zone:
  name: notify.mirror.test.
  zonefile: notify.zone
  provide-xfr: 127.0.0.0/8 $key_name
  notify: $redoubt_addr $key_name
  outgoing-interface: $primary_addr
zone:
  name: bad.mirror.test.
  zonefile: bad.zone
  provide-xfr: 127.0.0.0/8 $key_name
EOF
  nsd -d -c "$work/nsd.conf" >"$work/nsd.out" 2>&1 &
  nsd_pid=$!
  local i; for i in $(seq 1 50); do dig +short +time=1 +tries=1 @"$primary_addr" "$zone" SOA >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "nsd did not start: $(cat "$work/nsd.out" "$work/nsd.log" 2>/dev/null | tail -5)"; return 1
}

start_redoubt() {
  "$bin" -c "$work/redoubt.yaml" >>"$rlog" 2>&1 &
  redoubt_pid=$!
  wait_for_line "$rlog" "listening on" 100 && kill -0 "$redoubt_pid" 2>/dev/null
}

stop_redoubt() {
  kill -TERM "$redoubt_pid"
  local i; for i in $(seq 1 150); do kill -0 "$redoubt_pid" 2>/dev/null || break; sleep 0.1; done
  wait "$redoubt_pid"; local rc=$?
  redoubt_pid=
  return $rc
}

setup() {
  local a; for a in $redoubt_addr $primary_addr $dead_addr; do add_address "$a" || return 1; done
  secret=$(head -c 32 /dev/urandom | base64)
  local wrong; wrong=$(head -c 32 /dev/urandom | base64)
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A %s\n' "$dead_addr" >"$work/root.hints"
  write_zone 1 ""
  start_nsd || return 1
  cat >"$work/redoubt.yaml" <<EOF
listen: ["$redoubt_addr:53"]
workers: 2
root-hints: $work/root.hints
allow-loopback-upstreams: true
builtin-root-anchor: false
do-ip6: false
cache: {directory: "$work/cache", max-size: 16M}
tsig-keys:
  - {name: $key_name, algorithm: hmac-sha256, secret: "$secret"}
  - {name: bad.$key_name, algorithm: hmac-sha256, secret: "$wrong"}
mirror-zones:
  - {name: $zone, primaries: ["$primary_addr"], tsig-key: $key_name}
  - {name: bad.mirror.test., primaries: ["$primary_addr"], tsig-key: bad.$key_name}
  - {name: notify.mirror.test., primaries: ["$primary_addr"], tsig-key: $key_name}
EOF
  "$bin" --check-config -c "$work/redoubt.yaml" >"$work/check.out" 2>&1 ||
    { echo "config refused: $(cat "$work/check.out")"; return 1; }
  start_redoubt
}

ask() { dig +time=5 +tries=1 +nocookie @"$redoubt_addr" "$1" "${2:-A}" 2>&1; }
has_soa() { grep -A3 '^;; AUTHORITY SECTION:' <<<"$1" | grep -q "SOA"; }

expect() {  # NAME TYPE STATUS ANSWERS WHAT
  local out; out=$(ask "$1" "$2")
  if [ "$(status_of "$out")" = "$3" ] && [ "$(answers_of "$out")" = "$4" ]; then
    ok "$5: $1 $2 -> $3 [$4]"
  else
    not_ok "$5: $1 $2 -> $(status_of "$out") [$(answers_of "$out")], want $3 [$4]"
  fi
}

check_transfer_and_answers() {
  if wait_for_line "$rlog" "mirror $zone from .*: AXFR: serial 1," 100; then
    ok "signed AXFR: $(grep -m1 "mirror $zone from" "$rlog" | sed 's/^redoubt: //')"
  else
    not_ok "no AXFR of $zone: $(grep mirror "$rlog" | tail -3 | tr '\n' ';')"
  fi
  expect "www.$zone" A NOERROR 192.0.2.10 "answer from the copy"
  expect "alias.$zone" A NOERROR "www.$zone 192.0.2.10" "CNAME followed inside the copy"
  local out; out=$(ask "nothing.$zone" A)
  check "NXDOMAIN with the SOA from the copy" bash -c "[ '$(status_of "$out")' = NXDOMAIN ]" && has_soa "$out" ||
    not_ok "NXDOMAIN carries the SOA"
  expect "www.$zone" TXT NOERROR "" "NODATA from the copy"
}

check_refresh() {
  wait_for_line "$rlog" "mirror notify.mirror.test. from .*: AXFR: serial 1," 50 ||
    not_ok "no AXFR of notify.mirror.test."
  write_zone 2 "late  A   192.0.2.12" "fresh A 192.0.2.13"
  kill -HUP "$nsd_pid"  # NSD reads its zone files again, and notifies for what changed.
  if wait_for_line "$rlog" "mirror $zone from .*: (AXFR|IXFR[a-z ]*): serial 2," 150; then
    ok "refresh on the SOA timer: $(grep "mirror $zone from .*serial 2" "$rlog" | head -1 | sed 's/^redoubt: //')"
  else
    not_ok "serial 2 never reached redoubt: $(grep mirror "$rlog" | tail -3 | tr '\n' ';')"
  fi
  expect "late.$zone" A NOERROR 192.0.2.12 "a name added on the primary"
  if wait_for_line "$rlog" "NOTIFY for notify.mirror.test. \(signed\) accepted" 50 &&
     wait_for_line "$rlog" "mirror notify.mirror.test. from .*: (AXFR|IXFR[a-z ]*): serial 2," 50; then
    ok "signed NOTIFY from the primary: refreshed at once (REFRESH is an hour)"
  else
    not_ok "no refresh of notify.mirror.test. after NOTIFY: $(grep -i 'notify' "$rlog" | tail -3 | tr '\n' ';')"
  fi
  expect "fresh.notify.mirror.test." A NOERROR 192.0.2.13 "a name added before the NOTIFY"
  # A NOTIFY from the primary's address but not signed with the zone's key changes nothing.
  local forged; forged=$(dig -b "$primary_addr" +time=3 +tries=1 +opcode=notify @"$redoubt_addr" notify.mirror.test. SOA 2>&1)
  if [ "$(status_of "$forged")" = REFUSED ] &&
     wait_for_line "$rlog" "NOTIFY for notify.mirror.test. refused: not signed" 20; then
    ok "an unsigned NOTIFY for a keyed zone is refused and logged"
  else
    not_ok "unsigned NOTIFY: $(status_of "$forged"); log: $(grep -i 'notify' "$rlog" | tail -2 | tr '\n' ';')"
  fi
}

check_wrong_key() {
  if wait_for_line "$rlog" "mirror bad.mirror.test. from .*TSIG" 50; then
    ok "wrong key refused and reported: $(grep -m1 "mirror bad.mirror.test. from" "$rlog" | sed 's/^redoubt: //')"
  else
    not_ok "no TSIG failure logged for bad.mirror.test.: $(grep 'bad.mirror' "$rlog" | head -2 | tr '\n' ';')"
  fi
  local out; out=$(ask "www.bad.mirror.test." A)
  if [ "$(answers_of "$out")" != 192.0.2.99 ]; then
    ok "nothing from a transfer that failed TSIG: $(status_of "$out")"
  else
    not_ok "www.bad.mirror.test. answered 192.0.2.99 although the transfer failed TSIG"
  fi
}

check_restart_with_primary_down() {
  stop_redoubt
  check "shutdown counts transfers and answers: $(grep -m1 'mirror: ' "$rlog" | sed 's/^redoubt: //')" \
    grep -qE "mirror: [1-9][0-9]* full .* [1-9][0-9]* answers from copies" "$rlog"
  stop "$nsd_pid"; nsd_pid=
  : >"$rlog"
  if ! start_redoubt; then not_ok "restart: $(tail -3 "$rlog" | tr '\n' ';')"; return; fi
  check "restart serves the stored copy: $(grep -m1 "serving the stored copy" "$rlog" | sed 's/^redoubt: //')" \
    grep -q "mirror $zone: serving the stored copy, serial 2" "$rlog"
  expect "alias.$zone" CNAME NOERROR "www.$zone" "with the primary down, from the stored copy"
  expect "other.$zone" A NXDOMAIN "" "with the primary down, NXDOMAIN from the stored copy"
  check "the restarted redoubt logs the failed refresh and keeps the copy" \
    wait_for_line "$rlog" "mirror $zone from .*failed.*the copy is kept" 100
  stop_redoubt || not_ok "exit after restart"
}

main() {
  local began=$SECONDS
  if [ ! -x "$bin" ]; then
    echo "mirror-lab: $bin is missing (build first)"; echo "mirror-lab: 0 passed, 1 failed"; exit 1
  fi
  if ! setup; then
    not_ok "start: nsd and redoubt ($(tail -3 "$rlog" 2>/dev/null | tr '\n' ';'))"
  else
    check_transfer_and_answers
    check_wrong_key
    check_refresh
    check_restart_with_primary_down
  fi
  echo "# mirror-lab: checked in $((SECONDS - began)) s"
  echo "mirror-lab: $passed passed, $failed failed"
  [ $failed -eq 0 ]
}

main "$@"
