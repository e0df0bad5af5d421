#!/usr/bin/env bash
# TSIG (RFC 8945, docs/tsig.md) interop: redoubt's signed forwarding against three real
# authoritative servers this script starts on loopback (127.54.0.2-4; redoubt on 127.54.0.1):
#   BIND named    six zones, one key per algorithm (hmac-md5 ... hmac-sha512), each zone
#                 `allow-query { key K; }`: unsigned queries are REFUSED;
#   PowerDNS      gsqlite3, provisioned as seed 004 says: a `tsigkeys` row (hmac-md5) and
#                 TSIG-ALLOW-AXFR domain metadata, `allow-axfr-ips` empty;
#   Knot knotd    an ACL with the key, `action: [query, transfer]`.
# What the servers can do: pdns 4.7 has no setting that requires TSIG on plain queries
# (TSIG-ALLOW-AXFR governs AXFR only; its Lua prequery hook runs before the TSIG is checked,
# and getTSIGKeyname() there is unset for signed queries too), so it answers unsigned queries;
# it does verify a signed query, signs its reply, and refuses an unsigned AXFR. A query with a
# key it cannot verify gets NOTAUTH without any TSIG RR (no BADSIG/BADKEY error, unlike RFC
# 8945 section 5.2), so redoubt can only say "the reply was not signed". Knot 3.2 cannot refuse
# unsigned queries either ("normal queries are always allowed", knot.conf(5); a `deny` ACL on
# the address changes nothing): its key ACL makes it verify and sign, and restricts AXFR to the
# key. Only BIND refuses unsigned queries.
# Checks, each "ok - ..." or "not ok - ...":
#   1. through redoubt, www.ZONE A of every zone (and a TXT RRset too big for UDP: TCP);
#   2. every algorithm hmac-md5/sha1/sha224/sha256/sha384/sha512 on BIND, md5 on pdns, sha384
#      on Knot (the same zones as 1);
#   3. the same keys with dig -y / kdig -y straight at the servers: a signed, verified answer;
#      unsigned queries REFUSED by BIND, unsigned AXFR refused and signed AXFR taken (pdns, Knot);
#   4. wrong keys: a wrong secret on BIND (BADSIG), a key Knot does not know (BADKEY), a wrong
#      secret on pdns: SERVFAIL with EDE 22 and the reason;
#   5. redoubt's start-up "TSIG keys:" line and shutdown "tsig:" counters.
# Runs as root (ip addr, port 53). Ends with "tsig-interop: N passed, M failed".
# TSIG_INTEROP_KEEP=1 keeps the work directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
umask 077
work=$(mktemp -d /tmp/redoubt-tsig.XXXXXX)
R=127.54.0.1 BIND=127.54.0.2 PDNS=127.54.0.3 KNOT=127.54.0.4 NOROOT=127.54.0.20
passed=0 failed=0 pids=() redoubt_pid=
# zone label : server : algorithm : address of www (the key is "<label>-key.")
good="bind-md5:bind:hmac-md5:192.0.2.1 bind-sha1:bind:hmac-sha1:192.0.2.2
  bind-sha224:bind:hmac-sha224:192.0.2.3 bind:bind:hmac-sha256:192.0.2.4
  bind-sha384:bind:hmac-sha384:192.0.2.5 bind-sha512:bind:hmac-sha512:192.0.2.6
  bind-trunc:bind:hmac-sha256-128:192.0.2.9
  pdns:pdns:hmac-md5:192.0.2.7 knot:knot:hmac-sha384:192.0.2.8"
# label : server : algorithm : what the EDE text must name (redoubt holds a wrong secret;
# Knot is not given knot-bad-key. at all; pdns sends no TSIG back, see above)
bad="bind-bad:bind:hmac-sha256:BADSIG knot-bad:knot:hmac-sha256:BADKEY pdns-bad:pdns:hmac-md5:not.signed"

ok() { passed=$((passed + 1)); echo "ok - $*"; }
notok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

cleanup() {
  local pid i
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for i in $(seq 1 100); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break; sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for a in $R $BIND $PDNS $KNOT $NOROOT; do ip addr del "$a/32" dev lo 2>/dev/null; done
  [ "${TSIG_INTEROP_KEEP:-0}" = 1 ] && echo "# kept $work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() { echo "tsig-interop: $passed passed, $failed failed"; [ $failed -eq 0 ]; exit; }
secret_of() { sed -n 's/^[[:space:]]*secret "\(.*\)";/\1/p' "$1"; }
status_of() { sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$1" | head -1; }
# wait_up ADDRESS ZONE: up to 15 s for any answer (REFUSED included) from the server there.
wait_up() {
  local i
  for i in $(seq 1 75); do
    dig +time=1 +tries=1 @"$1" "$2" SOA 2>/dev/null | grep -q "status:" && return 0
    sleep 0.2
  done
  return 1
}
# signed_ok OUTPUT: a NOERROR answer with a TSIG that dig/kdig verified.
signed_ok() {
  grep -Eq "status: NOERROR" <<<"$1" && grep -q "TSIG PSEUDOSECTION" <<<"$1" &&
    ! grep -Eqi "verify failure|could not be validated|failed to verify|couldn't verify|BADSIG|BADKEY|BADTIME" <<<"$1"
}

zone_file() {  # zone_file LABEL SERVER_ADDRESS WWW_ADDRESS > file
  printf '$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A %s\n' "$2"
  printf 'www A %s\nmail A 192.0.2.200\n@ TXT "%s served by TSIG"\n' "$3" "$1"
  if [ "$1" = bind ]; then  # 20 x ~100 octets: more than 1232, so TC over UDP
    for i in $(seq -w 1 20); do printf 'big TXT "%s-%s"\n' "$i" "$(printf 'x%.0s' $(seq 1 96))"; done
  fi
}

setup_keys() {  # every key as BIND's tsig-keygen writes it; wrong twins for redoubt's bad keys
  mkdir -p "$work/keys"
  local entry label server alg rest
  for entry in $good $bad; do
    IFS=: read -r label server alg rest <<<"$entry"
    # A truncated algorithm (hmac-sha256-128, RFC 8945 section 5.2.2.1) is the base key with
    # the truncated name, as named.conf spells it; tsig-keygen knows only the base names.
    tsig-keygen -a "${alg%-[0-9]*}" "$label-key." | sed "s/algorithm ${alg%-[0-9]*};/algorithm $alg;/" \
      >"$work/keys/$label.key" || return 1
    case "$label" in *-bad) tsig-keygen -a "$alg" "$label-key." >"$work/keys/$label.wrong.key" || return 1 ;; esac
  done
}

start_bind() {
  local d=$work/bind entry label server alg addr rest
  mkdir -p "$d"
  cat >"$d/named.conf" <<EOF
options {
  directory "$d"; pid-file "$d/named.pid"; session-keyfile "$d/session.key";
  managed-keys-directory "$d"; dump-file "$d/cache.db"; statistics-file "$d/stats";
  listen-on port 53 { $BIND; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no;
  allow-query { none; }; allow-transfer { none; };
};
controls { };
EOF
  for entry in $good $bad; do
    IFS=: read -r label server alg addr rest <<<"$entry"
    [ "$server" = bind ] || continue
    case "$addr" in 192.*) ;; *) addr=192.0.2.99 ;; esac
    zone_file "$label" "$BIND" "$addr" >"$d/$label.zone"
    cat >>"$d/named.conf" <<EOF
include "$work/keys/$label.key";
zone "$label.tsig.test" { type primary; file "$d/$label.zone"; allow-query { key "$label-key."; }; };
EOF
  done
  named -g -c "$d/named.conf" >"$d/named.log" 2>&1 &
  pids+=($!)
  wait_up $BIND bind.tsig.test
}

start_pdns() {
  local d=$work/pdns db=$work/pdns/pdns.sqlite3 id=0 entry label server alg addr rest
  mkdir -p "$d"
  sqlite3 "$db" </usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql || return 1
  for entry in $good $bad; do
    IFS=: read -r label server alg addr rest <<<"$entry"
    [ "$server" = pdns ] || continue
    id=$((id + 1)); local z=$label.tsig.test
    case "$addr" in 192.*) ;; *) addr=192.0.2.99 ;; esac
    # The seed's model: the key in tsigkeys (named without the final dot, as PowerDNS stores
    # it), and TSIG-ALLOW-AXFR naming it in the zone's metadata.
    sqlite3 "$db" <<EOF || return 1
insert into domains (id, name, type) values ($id, '$z', 'NATIVE');
insert into records (domain_id, name, type, content, ttl, prio, disabled, auth) values
 ($id, '$z', 'SOA', 'ns.$z. hostmaster.$z. 1 3600 600 86400 300', 300, 0, 0, 1),
 ($id, '$z', 'NS', 'ns.$z.', 300, 0, 0, 1), ($id, 'ns.$z', 'A', '$PDNS', 300, 0, 0, 1),
 ($id, 'www.$z', 'A', '$addr', 300, 0, 0, 1), ($id, 'mail.$z', 'A', '192.0.2.200', 300, 0, 0, 1);
insert into tsigkeys (name, algorithm, secret) values ('$label-key', '$alg', '$(secret_of "$work/keys/$label.key")');
insert into domainmetadata (domain_id, kind, content) values ($id, 'TSIG-ALLOW-AXFR', '$label-key');
EOF
  done
  cat >"$d/pdns.conf" <<EOF
launch=gsqlite3
gsqlite3-database=$db
gsqlite3-dnssec=yes
local-address=$PDNS
local-port=53
socket-dir=$d
allow-axfr-ips=
guardian=no
daemon=no
disable-syslog=yes
security-poll-suffix=
webserver=no
api=no
EOF
  pdns_server --config-dir="$d" >"$d/pdns.log" 2>&1 &
  pids+=($!)
  wait_up $PDNS pdns.tsig.test
}

start_knot() {
  local d=$work/knot entry label server alg addr rest
  mkdir -p "$d/db"
  {
    printf 'server:\n  listen: %s@53\n  rundir: %s\n  pidfile: %s/knot.pid\n' $KNOT "$d" "$d"
    printf 'log:\n  - target: stderr\n    any: info\ndatabase:\n  storage: %s/db\n' "$d"
    printf 'key:\n  - id: knot-key.\n    algorithm: hmac-sha384\n    secret: %s\n' "$(secret_of "$work/keys/knot.key")"
    printf 'acl:\n  - id: by-key\n    key: knot-key.\n    action: [query, transfer]\n'
    printf 'template:\n  - id: default\n    storage: %s\n    file: "%%s.zone"\n' "$d"
    printf '    zonefile-sync: -1\n    journal-content: none\n    acl: by-key\nzone:\n'
  } >"$d/knot.conf"
  for entry in $good $bad; do
    IFS=: read -r label server alg addr rest <<<"$entry"
    [ "$server" = knot ] || continue
    case "$addr" in 192.*) ;; *) addr=192.0.2.99 ;; esac
    zone_file "$label" "$KNOT" "$addr" >"$d/$label.tsig.test.zone"
    printf '  - domain: %s.tsig.test.\n' "$label" >>"$d/knot.conf"
  done
  knotd -c "$d/knot.conf" >"$d/knot.log" 2>&1 &
  pids+=($!)
  wait_up $KNOT knot.tsig.test
}

start_redoubt() {
  local c=$work/redoubt.yaml entry label server alg rest
  printf '. 3600000 NS a.root.test.\na.root.test. 3600000 A %s\n' $NOROOT >"$work/root.hints"
  # Keys three ways: key-file (tsig-keygen's output: one key, and a file with two),
  # secret-file, and secret.
  cat "$work/keys/bind-sha384.key" "$work/keys/bind-sha512.key" >"$work/keys/two.key"
  secret_of "$work/keys/pdns.key" >"$work/keys/pdns.secret"
  {
    echo "listen: [\"$R:53\"]"
    echo "workers: 2"
    echo "root-hints: $work/root.hints   # a root where nothing answers: no query leaves loopback"
    echo "builtin-root-anchor: false     # no trust anchors: forward zones need none"
    echo "allow-loopback-upstreams: true"
    echo "do-ip6: false"
    echo "log-queries: true"
    echo "cache: {directory: \"$work/cache\"}"
    echo "forward-zones:"
    for entry in $good $bad; do
      IFS=: read -r label server alg rest <<<"$entry"
      local to; case $server in bind) to=$BIND ;; pdns) to=$PDNS ;; knot) to=$KNOT ;; esac
      echo "  - {name: $label.tsig.test., servers: [\"$to:53\"], tsig-key: $label-key.}"
    done
    echo "tsig-keys:"
    echo "  - {key-file: \"$work/keys/bind.key\"}"
    echo "  - {key-file: \"$work/keys/two.key\"}"
    echo "  - {name: pdns-key, algorithm: hmac-md5, secret-file: \"$work/keys/pdns.secret\"}"
    for entry in $good $bad; do
      IFS=: read -r label server alg rest <<<"$entry"
      case $label in bind | bind-sha384 | bind-sha512 | pdns) continue ;; esac
      local f=$work/keys/$label.key; [ -f "$work/keys/$label.wrong.key" ] && f=$work/keys/$label.wrong.key
      echo "  - {name: $label-key., algorithm: $alg, secret: \"$(secret_of "$f")\"}"
    done
  } >"$c"
  "$bin" --check-config -c "$c" >"$work/check-config.log" 2>&1 || return 1
  "$bin" -c "$c" >"$work/redoubt.log" 2>&1 &
  redoubt_pid=$!; pids+=($!)
  local i
  for i in $(seq 1 75); do
    dig +time=1 +tries=1 @$R bind.tsig.test SOA 2>/dev/null | grep -q "status:" && return 0
    kill -0 $redoubt_pid 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# 1 and 2: every good zone through redoubt.
check_through_redoubt() {
  local entry label server alg addr out
  for entry in $good; do
    IFS=: read -r label server alg addr <<<"$entry"
    out=$(dig +time=8 +tries=1 @$R "www.$label.tsig.test" A 2>&1)
    if [ "$(status_of "$out")" = NOERROR ] && grep -Eq "^www\.$label\.tsig\.test\.[[:space:]].*A[[:space:]]+$addr\$" <<<"$out"; then
      ok "redoubt -> $server ($alg): www.$label.tsig.test A $addr"
    else
      notok "redoubt -> $server ($alg): www.$label.tsig.test A: $(status_of "$out") $(grep -E '^www|EDE' <<<"$out" | tr '\n' ' ')"
    fi
    grep -q "TSIG PSEUDOSECTION" <<<"$out" && notok "redoubt passed a TSIG RR on to its client ($label)"
  done
  out=$(dig +tcp +time=8 +tries=1 @$R big.bind.tsig.test TXT 2>&1)
  local n; n=$(grep -Ec '^big\.bind\.tsig\.test\..*TXT' <<<"$out")
  check "redoubt -> bind: big.bind.tsig.test TXT over TCP (2.2 KB, past the 1232-octet UDP size): $n of 20 records" \
    [ "$(status_of "$out")" = NOERROR -a "$n" -eq 20 ]
}

# 3: the same keys straight at the servers.
check_direct() {
  local entry label server alg addr to out secret
  for entry in $good; do
    IFS=: read -r label server alg addr <<<"$entry"
    secret=$(secret_of "$work/keys/$label.key")
    case $server in
      bind) to=$BIND; out=$(dig +time=3 +tries=1 -y "$alg:$label-key.:$secret" @$to "www.$label.tsig.test" A 2>&1) ;;
      pdns) to=$PDNS; out=$(dig +time=3 +tries=1 -y "$alg:$label-key:$secret" @$to "www.$label.tsig.test" A 2>&1) ;;
      knot) to=$KNOT; out=$(kdig +timeout=3 +retry=0 -y "$alg:$label-key.:$secret" @$to "www.$label.tsig.test" A 2>&1) ;;
    esac
    check "direct $server ($alg, $([ $server = knot ] && echo kdig || echo dig) -y): signed NOERROR answer, TSIG verified" \
      eval 'signed_ok "$out" && grep -q "$addr" <<<"$out"'
  done
  out=$(dig +time=3 +tries=1 @$BIND www.bind.tsig.test A 2>&1)
  check "direct bind: an unsigned query is REFUSED" [ "$(status_of "$out")" = REFUSED ]
  out=$(dig +time=3 +tries=1 -y "hmac-sha256:bind-bad-key.:$(secret_of "$work/keys/bind-bad.wrong.key")" @$BIND www.bind-bad.tsig.test A 2>&1)
  check "direct bind: redoubt's wrong bind-bad-key. secret gets BADSIG" grep -q "BADSIG" <<<"$out"
  out=$(dig +time=3 +tries=1 @$PDNS www.pdns.tsig.test A 2>&1)
  echo "# pdns answers an unsigned query $(status_of "$out") (no setting to require TSIG on queries)"
  out=$(dig +time=3 +tries=1 @$KNOT www.knot.tsig.test A 2>&1)
  echo "# knot answers an unsigned query $(status_of "$out") (ACLs do not apply to unsigned queries)"
  local s
  for s in pdns:$PDNS:hmac-md5:pdns-key knot:$KNOT:hmac-sha384:knot-key.; do
    IFS=: read -r server to alg rest <<<"$s"
    out=$(dig +time=3 +tries=1 @$to "$server.tsig.test" AXFR 2>&1)
    check "direct $server: an unsigned AXFR is refused" eval '! grep -q "XFR size" <<<"$out"'
    out=$(dig +time=3 +tries=1 -y "$alg:$rest:$(secret_of "$work/keys/$server.key")" @$to "$server.tsig.test" AXFR 2>&1)
    check "direct $server: a signed AXFR ($alg) is allowed and verified" \
      eval 'grep -q "XFR size" <<<"$out" && grep -q "TSIG" <<<"$out" && ! grep -Eqi "verify fail|could not be validated|failed" <<<"$out"'
  done
}

# 4: wrong keys through redoubt: SERVFAIL, EDE 22 and the reason.
check_wrong_keys() {
  local entry label server alg want out ede
  for entry in $bad; do
    IFS=: read -r label server alg want <<<"$entry"
    out=$(dig +time=10 +tries=1 @$R "www.$label.tsig.test" A 2>&1)
    ede=$(grep -m1 "EDE:" <<<"$out" | sed 's/^; *//')
    if [ "$(status_of "$out")" = SERVFAIL ] && grep -q "EDE: 22" <<<"$ede" && grep -q "$want" <<<"$ede"; then
      ok "wrong key on $server: SERVFAIL, $ede"
    else
      notok "wrong key on $server: want SERVFAIL with EDE 22 naming $want, got $(status_of "$out") ${ede:-no EDE}"
    fi
  done
}

# 5: the start-up and shutdown lines.
check_logs() {
  local nkeys nzones line i
  nzones=$(echo $good $bad | wc -w); nkeys=$nzones
  line=$(grep -m1 "TSIG keys:" "$work/redoubt.log")
  check "start-up: ${line#redoubt: }" grep -q "TSIG keys: $nkeys loaded and checked, named by $nzones forward zone" <<<"$line"
  kill -TERM "$redoubt_pid"
  for i in $(seq 1 150); do kill -0 "$redoubt_pid" 2>/dev/null || break; sleep 0.1; done
  wait "$redoubt_pid"; local rc=$?
  check "redoubt exits 0 on SIGTERM" [ $rc -eq 0 ]
  line=$(grep "tsig:" "$work/redoubt.log" | tail -1 | sed 's/^redoubt: //')
  local signed verified errors
  signed=$(sed -n 's/.*tsig: \([0-9]*\) queries signed.*/\1/p' <<<"$line")
  verified=$(sed -n 's/.* \([0-9]*\) replies verified.*/\1/p' <<<"$line")
  errors=$(sed -n 's/.* \([0-9]*\) server TSIG errors.*/\1/p' <<<"$line")
  check "shutdown: ${line:-no tsig: line}" [ "${signed:-0}" -gt 0 -a "${verified:-0}" -ge "$(echo $good | wc -w)" \
    -a "${signed:-0}" -ge "${verified:-0}" -a "${errors:-0}" -gt 0 ]
}

main() {
  local start=$SECONDS tool a
  for tool in named pdns_server knotd dig kdig sqlite3 tsig-keygen ip; do
    command -v $tool >/dev/null || { notok "$tool is not installed"; finish; }
  done
  [ -x "$bin" ] || { notok "$bin is missing (build first)"; finish; }
  for a in $R $BIND $PDNS $KNOT $NOROOT; do ip addr add "$a/32" dev lo 2>/dev/null; done
  setup_keys || { notok "tsig-keygen failed"; finish; }
  check "BIND named started on $BIND" start_bind
  check "PowerDNS (gsqlite3, tsigkeys + TSIG-ALLOW-AXFR) started on $PDNS" start_pdns
  check "Knot knotd started on $KNOT" start_knot
  if ! start_redoubt; then
    notok "redoubt did not start: $(cat "$work/check-config.log" "$work/redoubt.log" 2>/dev/null | tail -5)"
    finish
  fi
  check_through_redoubt
  check_direct
  check_wrong_keys
  check_logs
  echo "# checked in $((SECONDS - start)) s"
  finish
}

main "$@"
