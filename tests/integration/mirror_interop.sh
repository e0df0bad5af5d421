#!/usr/bin/env bash
# Zone mirroring (docs/mirror.md) against three real primaries on loopback, each giving
# transfers only to a TSIG key (RFC 8945 section 5.3.1), with a different algorithm each:
#   BIND named   127.57.0.2  bind.interop.test.  hmac-sha512  allow-transfer { key bind-xfr.; }
#                            ixfr-from-differences yes: a reload of the file makes a journal
#   PowerDNS     127.57.0.3  pdns.interop.test.  hmac-md5     gsqlite3 as seed 004 says: a
#                            `tsigkeys` row and TSIG-ALLOW-AXFR metadata, allow-axfr-ips empty
#   Knot knotd   127.57.0.4  knot.interop.test.  hmac-sha256  ACL {key, action: transfer},
#                            zonefile-load: difference: a reload makes a journal diff
# redoubt (127.57.0.1) mirrors the three; root hints point at 127.57.0.20, where nothing
# listens. Each zone has 600 TXT records of 200 octets (~130 KB), so every transfer takes
# several messages, each TSIG-checked in the stream. SOA REFRESH and RETRY are 2 s.
# Checks, per server:
#   1. the signed AXFR is taken (redoubt's "AXFR: serial 1" line) and names are answered;
#   2. serial 2 with a new name, made on the primary (BIND: file + SIGHUP; Knot: file +
#      knotc zone-reload; PowerDNS: sqlite3 update + pdns_control purge), arrives on the REFRESH
#      timer; the line says whether it came as a real IXFR or as the whole zone;
#   3. a second zone on the same server with a wrong key (BIND, PowerDNS: right name, wrong
#      secret; Knot: a key name it does not know) is refused, redoubt logs the TSIG reason, and
#      nothing is answered from it;
#   4. with all primaries stopped, a restarted redoubt serves the three stored copies;
#   and, with dig -y / kdig -y straight at each server, the same key transfers the zone and an
#   unsigned AXFR is refused. Ends with "mirror-interop: N passed, M failed".
# MIRROR_INTEROP_KEEP=1 keeps the work directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
umask 077
work=$(mktemp -d /tmp/redoubt-mirror-interop.XXXXXX)
R=127.57.0.1 BIND=127.57.0.2 PDNS=127.57.0.3 KNOT=127.57.0.4 NOROOT=127.57.0.20
rlog=$work/redoubt.log
passed=0 failed=0 added=() pids=() redoubt_pid= bind_pid= pdns_pid= knot_pid=
source "$here/lib/harness.sh"
# server : address : algorithm : address of www : address of the name added in serial 2
servers="bind:$BIND:hmac-sha512:192.0.2.1:192.0.2.11 pdns:$PDNS:hmac-md5:192.0.2.2:192.0.2.12
  knot:$KNOT:hmac-sha256:192.0.2.3:192.0.2.13"

cleanup() {
  local pid a
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do stop "$pid"; done
  for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  [ "${MIRROR_INTEROP_KEEP:-0}" = 1 ] && echo "# kept $work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() { echo "mirror-interop: $passed passed, $failed failed"; [ $failed -eq 0 ]; exit; }
ask() { dig +time=5 +tries=1 +nocookie @$R "$1" "${2:-A}" 2>&1; }
line_of() { grep -m1 -E -- "$1" "$rlog" | sed 's/^redoubt: //'; }
wait_up() {  # ADDRESS ZONE: up to 15 s for any answer from the server there
  local i; for i in $(seq 1 75); do
    dig +time=1 +tries=1 @"$1" "$2" SOA 2>/dev/null | grep -q "status:" && return 0; sleep 0.2
  done
  return 1
}
new_secret() { head -c 32 /dev/urandom | base64 -w0; }

records() {  # records LABEL SERVER_ADDRESS SERIAL WWW [NEW]: "OWNER TYPE RDATA", names absolute
  local z=$1.interop.test.
  echo "$z SOA ns.$z hostmaster.$z $3 2 2 3600 60"
  echo "$z NS ns.$z"; echo "ns.$z A $2"; echo "www.$z A $4"
  [ -n "${5:-}" ] && echo "new.$z A $5"
  awk -v z="$z" 'BEGIN { p = sprintf("%200s", ""); gsub(/ /, "x", p)
    for (i = 1; i <= 600; i++) printf "t%04d.%s TXT \"%s\"\n", i, z, p }'
}
zone_file() { records "$@" | sed 's/^\([^ ]*\) /\1 300 IN /'; }
zone_sql() {  # zone_sql DOMAIN_ID LABEL ...: the records as gsqlite3 rows
  echo "begin;"
  records "${@:2}" | awk -v id="$1" '{ n = $1; sub(/\.$/, "", n); t = $2; $1 = ""; $2 = ""
    printf "insert into records (domain_id, name, type, content, ttl, prio, disabled, auth) values (%d, \047%s\047, \047%s\047, \047%s\047, 300, 0, 0, 1);\n", id, n, t, substr($0, 3) }'
  echo "commit;"
}

start_bind() {
  local d=$work/bind; mkdir -p "$d"
  zone_file bind $BIND 1 192.0.2.1 >"$d/bind.zone"
  zone_file bind-bad $BIND 1 192.0.2.99 >"$d/bind-bad.zone"
  cat >"$d/named.conf" <<EOF
options {
  directory "$d"; pid-file "$d/named.pid"; session-keyfile "$d/session.key";
  managed-keys-directory "$d"; dump-file "$d/cache.db"; statistics-file "$d/stats";
  listen-on port 53 { $BIND; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no; allow-transfer { none; };
  ixfr-from-differences yes;
};
controls { };
key "bind-xfr." { algorithm hmac-sha512; secret "${secret[bind]}"; };
key "bind-bad-xfr." { algorithm hmac-sha512; secret "${secret[bind-bad]}"; };
zone "bind.interop.test" { type primary; file "$d/bind.zone"; allow-transfer { key "bind-xfr."; }; };
zone "bind-bad.interop.test" { type primary; file "$d/bind-bad.zone"; allow-transfer { key "bind-bad-xfr."; }; };
EOF
  named -g -c "$d/named.conf" >"$d/named.log" 2>&1 &
  bind_pid=$!; pids+=($!)
}

start_pdns() {
  local d=$work/pdns db=$work/pdns/pdns.sqlite3; mkdir -p "$d"
  sqlite3 "$db" </usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql || return 1
  { zone_sql 1 pdns $PDNS 1 192.0.2.2; zone_sql 2 pdns-bad $PDNS 1 192.0.2.99; } | sqlite3 "$db" || return 1
  # Seed 004: the key in tsigkeys (hmac-md5), TSIG-ALLOW-AXFR naming it in the zone's metadata.
  sqlite3 "$db" <<EOF || return 1
insert into domains (id, name, type) values (1, 'pdns.interop.test', 'NATIVE'), (2, 'pdns-bad.interop.test', 'NATIVE');
insert into tsigkeys (name, algorithm, secret) values ('pdns-xfr', 'hmac-md5', '${secret[pdns]}'),
  ('pdns-bad-xfr', 'hmac-md5', '${secret[pdns-bad]}');
insert into domainmetadata (domain_id, kind, content) values (1, 'TSIG-ALLOW-AXFR', 'pdns-xfr'),
  (2, 'TSIG-ALLOW-AXFR', 'pdns-bad-xfr');
EOF
  cat >"$d/pdns.conf" <<EOF
launch=gsqlite3
gsqlite3-database=$db
gsqlite3-dnssec=yes
local-address=$PDNS
local-port=53
socket-dir=$d
allow-axfr-ips=
cache-ttl=0
query-cache-ttl=0
negquery-cache-ttl=0
guardian=no
daemon=no
disable-syslog=yes
security-poll-suffix=
webserver=no
api=no
EOF
  pdns_server --config-dir="$d" >"$d/pdns.log" 2>&1 &
  pdns_pid=$!; pids+=($!)
}

start_knot() {
  local d=$work/knot; mkdir -p "$d/db"
  zone_file knot $KNOT 1 192.0.2.3 >"$d/knot.interop.test.zone"
  zone_file knot-bad $KNOT 1 192.0.2.99 >"$d/knot-bad.interop.test.zone"
  cat >"$d/knot.conf" <<EOF
server:
  listen: $KNOT@53
  rundir: $d
  pidfile: $d/knot.pid
control:
  listen: $d/knot.sock
log:
  - target: stderr
    any: info
database:
  storage: $d/db
key:
  - id: knot-xfr.
    algorithm: hmac-sha256
    secret: ${secret[knot]}
  - id: knot-bad-xfr.
    algorithm: hmac-sha256
    secret: ${secret[knot-bad]}
acl:
  - id: good
    key: knot-xfr.
    action: transfer
  - id: bad
    key: knot-bad-xfr.
    action: transfer
template:
  - id: default
    storage: $d
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: difference
    journal-content: changes
zone:
  - domain: knot.interop.test.
    acl: good
  - domain: knot-bad.interop.test.
    acl: bad
EOF
  knotd -c "$d/knot.conf" >"$d/knot.log" 2>&1 &
  knot_pid=$!; pids+=($!)
}

start_redoubt() {
  "$bin" -c "$work/redoubt.yaml" >>"$rlog" 2>&1 &
  redoubt_pid=$!; pids+=($!)
  wait_for_line "$rlog" "listening on" 100 && kill -0 "$redoubt_pid" 2>/dev/null
}
stop_redoubt() {
  kill -TERM "$redoubt_pid"
  local i; for i in $(seq 1 150); do kill -0 "$redoubt_pid" 2>/dev/null || break; sleep 0.1; done
  wait "$redoubt_pid"; local rc=$?; redoubt_pid=
  return $rc
}

write_redoubt_config() {
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A %s\n' $NOROOT >"$work/root.hints"
  cat >"$work/redoubt.yaml" <<EOF
listen: ["$R:53"]
workers: 2
root-hints: $work/root.hints
allow-loopback-upstreams: true
builtin-root-anchor: false
do-ip6: false
cache: {directory: "$work/cache", max-size: 16M}
tsig-keys:
  - {name: bind-xfr., algorithm: hmac-sha512, secret: "${secret[bind]}"}
  - {name: pdns-xfr, algorithm: hmac-md5, secret: "${secret[pdns]}"}
  - {name: knot-xfr., algorithm: hmac-sha256, secret: "${secret[knot]}"}
  # right names, wrong secrets; and a name Knot does not know
  - {name: bind-bad-xfr., algorithm: hmac-sha512, secret: "$(new_secret)"}
  - {name: pdns-bad-xfr, algorithm: hmac-md5, secret: "$(new_secret)"}
  - {name: knot-stranger., algorithm: hmac-sha256, secret: "${secret[knot-bad]}"}
mirror-zones:
  - {name: bind.interop.test., primaries: ["$BIND"], tsig-key: bind-xfr.}
  - {name: pdns.interop.test., primaries: ["$PDNS"], tsig-key: pdns-xfr}
  - {name: knot.interop.test., primaries: ["$KNOT"], tsig-key: knot-xfr.}
  - {name: bind-bad.interop.test., primaries: ["$BIND"], tsig-key: bind-bad-xfr.}
  - {name: pdns-bad.interop.test., primaries: ["$PDNS"], tsig-key: pdns-bad-xfr}
  - {name: knot-bad.interop.test., primaries: ["$KNOT"], tsig-key: knot-stranger.}
EOF
}

# 1. The first transfer and answers from the copy.
check_transfers() {
  local entry s addr alg www new z
  for entry in $servers; do
    IFS=: read -r s addr alg www new <<<"$entry"; z=$s.interop.test.
    if wait_for_line "$rlog" "mirror $z from $addr:53: AXFR: serial 1, " 100; then
      ok "$s ($alg): signed AXFR taken: $(line_of "mirror $z from .*AXFR: serial 1")"
    else
      notok "$s ($alg): no AXFR of $z: $(grep "mirror $z" "$rlog" | tail -2 | tr '\n' ';')"
    fi
    local out; out=$(ask "www.$z"); local t; t=$(ask "t0600.$z" TXT)
    check "$s: www.$z A $www and t0600.$z TXT answered from the copy" \
      eval '[ "$(answers_of "$out")" = "$www" ] && [ "$(status_of "$t")" = NOERROR ] && grep -q "^t0600" <<<"$t"'
  done
}

# 2. Serial 2 on every primary, then the REFRESH timer.
change_primaries() {
  zone_file bind $BIND 2 192.0.2.1 192.0.2.11 >"$work/bind/bind.zone"
  kill -HUP "$bind_pid"
  zone_file knot $KNOT 2 192.0.2.3 192.0.2.13 >"$work/knot/knot.interop.test.zone"
  knotc -c "$work/knot/knot.conf" zone-reload knot.interop.test. >"$work/knot/knotc.out" 2>&1 ||
    echo "# knotc zone-reload: $(cat "$work/knot/knotc.out")"
  sqlite3 "$work/pdns/pdns.sqlite3" <<EOF
begin;
update records set content = 'ns.pdns.interop.test. hostmaster.pdns.interop.test. 2 2 2 3600 60' where domain_id = 1 and type = 'SOA';
insert into records (domain_id, name, type, content, ttl, prio, disabled, auth) values (1, 'new.pdns.interop.test', 'A', '192.0.2.12', 300, 0, 0, 1);
commit;
EOF
  pdns_control --config-dir="$work/pdns" purge >/dev/null 2>&1
}

check_refresh() {
  local entry s addr alg www new z line
  for entry in $servers; do
    IFS=: read -r s addr alg www new <<<"$entry"; z=$s.interop.test.
    # BIND (ixfr-from-differences) and Knot (zonefile-load: difference) keep the difference
    # and must answer a real IXFR. PowerDNS 4.7 answers IXFR AXFR-style, its first message
    # holding only the SOA: redoubt reads on and takes the whole zone from that one answer.
    if wait_for_line "$rlog" "mirror $z from $addr:53: (AXFR|IXFR[a-z ]*): serial 2, " 150; then
      line=$(line_of "mirror $z from .*: serial 2, ")
      if [ $s = pdns ]; then
        check "$s: serial 2 on the REFRESH timer, IXFR answered with the whole zone: $line" \
          grep -q "IXFR answered with the whole zone: serial 2" <<<"$line"
      else
        check "$s: serial 2 on the REFRESH timer, a real IXFR: $line" grep -q ": IXFR: serial 2" <<<"$line"
      fi
    else
      notok "$s: serial 2 never reached redoubt: $(grep "mirror $z" "$rlog" | tail -2 | tr '\n' ';')"
    fi
    local out; out=$(ask "new.$z")
    check "$s: the new name new.$z A $new is answered" [ "$(answers_of "$out")" = "$new" ]
  done
}

# 3. The wrong keys.
check_wrong_keys() {
  # BIND answers a wrong MAC with TSIG error BADSIG (16; dig -y shows it), Knot an unknown key
  # with BADKEY, PowerDNS a wrong MAC with an unsigned NOTAUTH (TSIG error 16 is BADSIG, not
  # OPT's BADVERS: crypto::TsigErrorName).
  local entry s addr rest z line out want
  for entry in $servers; do
    IFS=: read -r s addr rest <<<"$entry"; z=$s-bad.interop.test.
    case $s in bind) want="TSIG error BADSIG" ;; knot) want="TSIG error BADKEY" ;; pdns) want="refused .Unsigned." ;; esac
    if wait_for_line "$rlog" "mirror $z from $addr:53: AXFR failed: TSIG" 50; then
      line=$(line_of "mirror $z from .*TSIG")
      check "$s: wrong key refused, logged with the reason ($want): $line" grep -qE "$want" <<<"$line"
    else
      notok "$s: no TSIG failure logged for $z: $(grep "mirror $z" "$rlog" | head -2 | tr '\n' ';')"
    fi
  done
  local asking=()
  for entry in $servers; do  # in parallel: each waits for the dead root
    IFS=: read -r s rest <<<"$entry"; ask "www.$s-bad.interop.test." >"$work/bad-$s.out" & asking+=($!)
  done
  wait "${asking[@]}"
  for entry in $servers; do
    IFS=: read -r s rest <<<"$entry"; out=$(cat "$work/bad-$s.out")
    check "$s: nothing answered from the wrong key's zone (www: $(status_of "$out") [$(answers_of "$out")])" \
      eval '[ "$(answers_of "$out")" != 192.0.2.99 ] && ! grep -q "mirror $s-bad.interop.test. from .*serial" "$rlog"'
  done
}

# Straight at the servers with dig -y / kdig -y.
check_direct() {
  local entry s addr alg rest out name tool
  for entry in $servers; do
    IFS=: read -r s addr alg rest <<<"$entry"
    name=$s-xfr.; [ $s = pdns ] && name=pdns-xfr
    if [ $s = knot ]; then
      tool=kdig; out=$(kdig +timeout=3 +retry=0 -y "$alg:$name:${secret[$s]}" @$addr $s.interop.test. AXFR 2>&1)
      check "$s: kdig -y $alg AXFR: $(grep -o 'Received.*' <<<"$out")" \
        eval 'grep -Eq "messages, 60[56] records" <<<"$out" && ! grep -Eq "WARNING|failed|BADSIG|BADKEY|BADTIME" <<<"$out"'
      out=$(kdig +timeout=3 +retry=0 @$addr $s.interop.test. AXFR 2>&1)
    else
      out=$(dig +time=3 +tries=1 -y "$alg:$name:${secret[$s]}" @$addr $s.interop.test. AXFR 2>&1)
      check "$s: dig -y $alg AXFR: $(grep -o 'XFR size.*' <<<"$out")" \
        eval 'grep -Eq "XFR size: 60[56] records" <<<"$out" && ! grep -Eqi "failed|BADSIG|BADKEY|BADTIME" <<<"$out"'
      out=$(dig +time=3 +tries=1 @$addr $s.interop.test. AXFR 2>&1)
    fi
    check "$s: an unsigned AXFR is refused ($(grep -Eo 'Transfer failed.*|failed.*|REFUSED|NOTAUTH' <<<"$out" | head -1))" \
      eval '! grep -Eq "XFR size|records\)" <<<"$out" && ! grep -q "^www" <<<"$out"'
  done
}

# 4. All primaries down: the restarted redoubt serves the stored copies.
check_restart() {
  local line entry s addr alg www new z
  stop_redoubt || notok "redoubt's exit status on SIGTERM"
  line=$(line_of "mirror: [0-9]+ full")
  echo "# $line"
  check "shutdown counts 3+ full and 2 incremental transfers, no expiry" \
    grep -qE "mirror: ([3-9]|[1-9][0-9]+) full and 2 incremental .* 0 expired" <<<"$line"
  stop "$bind_pid"; stop "$pdns_pid"; stop "$knot_pid"
  mv "$rlog" "$work/redoubt.first.log"
  if ! start_redoubt; then notok "restart: $(tail -3 "$rlog" | tr '\n' ';')"; return; fi
  for entry in $servers; do
    IFS=: read -r s addr alg www new <<<"$entry"; z=$s.interop.test.
    check "$s down: $(line_of "mirror $z: serving" || echo "no stored copy of $z")" \
      grep -q "mirror $z: serving the stored copy, serial 2" "$rlog"
    local out; out=$(ask "new.$z")
    check "$s down: new.$z A $new from the stored copy" [ "$(answers_of "$out")" = "$new" ]
  done
  check "no stored copy of the wrong keys' zones" eval '! grep -q "bad.interop.test.: serving" "$rlog"'
  stop_redoubt || notok "redoubt's exit status after the restart"
}

main() {
  local began=$SECONDS tool a
  for tool in named pdns_server pdns_control knotd knotc dig kdig sqlite3 ip; do
    command -v $tool >/dev/null || { notok "$tool is not installed"; finish; }
  done
  [ -x "$bin" ] || { notok "$bin is missing (build first)"; finish; }
  for a in $R $BIND $PDNS $KNOT $NOROOT; do add_address $a || { notok "ip addr add $a"; finish; }; done
  declare -gA secret
  for a in bind bind-bad pdns pdns-bad knot knot-bad; do secret[$a]=$(new_secret); done
  start_bind; start_pdns || notok "sqlite3 provisioning"; start_knot
  check "BIND named up on $BIND" wait_up $BIND bind.interop.test
  check "PowerDNS (gsqlite3, tsigkeys + TSIG-ALLOW-AXFR) up on $PDNS" wait_up $PDNS pdns.interop.test
  check "Knot knotd up on $KNOT" wait_up $KNOT knot.interop.test
  write_redoubt_config
  "$bin" --check-config -c "$work/redoubt.yaml" >"$work/check.out" 2>&1 ||
    { notok "config refused: $(tail -3 "$work/check.out")"; finish; }
  start_redoubt || { notok "redoubt did not start: $(tail -3 "$rlog")"; finish; }
  check_transfers
  change_primaries
  check_wrong_keys
  check_direct
  check_refresh
  check_restart
  echo "# checked in $((SECONDS - began)) s"
  finish
}

main "$@"
