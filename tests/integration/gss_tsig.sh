#!/usr/bin/env bash
# GSS-TSIG end to end (issue #15; RFC 3645, RFC 5178/5179; specs/gss-tsig.md sections 2, 4, 6):
# redoubt forwards zones to BIND named over GSS-TSIG with a real MIT KDC, all started here on
# loopback by tests/integration/lib/kerberos.sh, in 127.59.0.0/24 only:
#   redoubt  127.59.0.1:53, one worker (contexts are per worker: one worker makes "negotiated
#            once" observable), KRB5_CONFIG of the lab;
#   named    ns1 127.59.0.2:5300, the authorised server: corp.example (www A 192.0.2.1, www2 A
#            192.0.2.2) and xn--bcher-kva.example (bücher.example, www A 192.0.2.7); its keytab
#            holds DNS/ns1.corp.example, DNS/ns1.corp.example/corp.example and
#            DNS/ns1.corp.example/xn--bcher-kva.example;
#   named    ns2 127.59.0.3:5300, the impostor: corp.example with www A 192.0.2.66 and only the
#            host key DNS/ns2.corp.example;
#   named    127.59.0.4:5300, plain (no GSS): the insecure discovery source, corp.example with
#            NS and A records of ns1/ns2 and SRV records carrying port 5300:
#            _dns._tcp.corp.example (ns2 first, then ns1) and _dns._tcp.impostor.corp.example
#            (ns2 only); `rrset-order {order none;}` keeps ns2 (priority 0) first;
#   KDC      realm CORP.EXAMPLE on 127.59.0.10:8800; client resolver/cache1.corp.example.
# named logs queries (querylog): "<key> ANY TKEY -T" is a TKEY negotiation, a query signed with
# a GSS-TSIG key shows "/key <client principal>" and the flag S, and a signed TKEY at the end is
# the mode 5 deletion.
# Checks, each "ok - ..." or "not ok - ...":
#   1. listed server: www.corp.example A 192.0.2.1 through redoubt, a context established as
#      DNS/ns1.corp.example/corp.example@CORP.EXAMPLE, named saw the TKEY negotiation, a second
#      query does not negotiate again;
#   2. the forwarded queries arrived at ns1 signed with the GSS key (named's query log), an
#      unsigned dig shows neither the key nor S;
#   3. RFC 5178 attack, discovery of ns2 then ns1: 192.0.2.1 (never .66), ns2 refused as not
#      authorised for corp.example, ns1 established;
#   4. impostor only: SERVFAIL, EDE 22 "not authorised", the shutdown line counts it;
#   5. the impostor host-based allow-listed (host-based: [ns2.corp.example]): 192.0.2.66, one
#      host-based context;
#   6. ns1 restarted without its saved keys (named keeps GSS contexts across a restart in
#      _default.tsigkeys; removing it loses them): www2 still answered after one renegotiation
#      (BADKEY), "renewed" counted;
#   7. a 75-second ticket (DNS/ns1.corp.example/corp.example -maxlife): after 16 s the context
#      is within a minute of its end and the next query renews it;
#   8. KDC down: SERVFAIL with EDE 22 naming "Cannot contact any KDC", logged; no token or key
#      bytes in any redoubt log;
#   9. internationalised zone: www.xn--bcher-kva.example through a context for
#      DNS/ns1.corp.example/xn--bcher-kva.example (mechanism kerberos, host given in mixed
#      case); and the zone name given in UTF-8 (bücher.example) must either be refused by the
#      loader or work the same (at 7d1680a it fails: the loader accepts bücher.example as given,
#      dns::Name::FromText with no A-label conversion, and queries for xn--bcher-kva.example go
#      to the root instead; servers' host names are converted, zone names are not);
#  10. shutdown: contexts deleted with TKEY mode 5 (the shutdown line; named saw the signed
#      TKEY and no longer holds the key when it saves its keys).
# Runs as root (ip addr, port 53). Ends with "gss-tsig: N passed, M failed". GSS_TSIG_KEEP=1
# keeps the work directory. REDOUBT_BIN: the daemon (default build/resolver/redoubt).
# shellcheck source-path=SCRIPTDIR disable=SC2016,SC2001
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
R=127.59.0.1 NS1=127.59.0.2 NS2=127.59.0.3 DISC=127.59.0.4 KDC=127.59.0.10 NOROOT=127.59.0.20
port=5300 kdc_port=8800 realm=CORP.EXAMPLE zone=corp.example idn=xn--bcher-kva.example
client=resolver/cache1.corp.example
umask 077
work=$(mktemp -d /tmp/redoubt-gss-tsig.XXXXXX)
passed=0 failed=0 added=() redoubt_pid='' disc_pid=''
source "$here/lib/harness.sh"
source "$here/lib/kerberos.sh"

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  [ -n "$redoubt_pid" ] && stop "$redoubt_pid"
  bind_gss_down "$work/ns1"; bind_gss_down "$work/ns2"
  [ -n "$disc_pid" ] && stop "$disc_pid"
  krb_lab_down
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  if [ "${GSS_TSIG_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
finish() { echo "gss-tsig: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

# ---- the lab ----

setup_realm() {
  krb_lab_up "$work/kdc" "$realm" "$KDC" "$kdc_port" || return 1
  krb_add_principal "$client" "$work/client.keytab" &&
    krb_add_principal "DNS/ns1.$zone" "$work/ns1.keytab" &&
    krb_add_principal "DNS/ns1.$zone/$zone" "$work/ns1.keytab" &&
    krb_add_principal "DNS/ns1.$zone/$idn" "$work/ns1.keytab" &&
    krb_add_principal "DNS/ns2.$zone" "$work/ns2.keytab"
}

# zone_file SOA_MNAME WWW WWW2: corp.example as ns1 and ns2 serve it.
zone_file() {
  printf '$TTL 300\n@ SOA %s hostmaster.%s. 1 3600 600 86400 300\n@ NS %s\n' "$1" "$zone" "$1"
  printf 'ns1 A %s\nns2 A %s\nwww A %s\nwww2 A %s\n' "$NS1" "$NS2" "$2" "$3"
}

start_servers() {
  mkdir -p "$work/ns1" "$work/ns2" "$work/disc" || return 1
  zone_file "ns1.$zone." 192.0.2.1 192.0.2.2 >"$work/ns1/$zone.zone"
  printf '$TTL 300\n@ SOA ns1.%s. hostmaster.%s. 1 3600 600 86400 300\n@ NS ns1.%s.\nwww A 192.0.2.7\n' \
    "$zone" "$zone" "$zone" >"$work/ns1/$idn.zone"
  zone_file "ns2.$zone." 192.0.2.66 192.0.2.67 >"$work/ns2/$zone.zone"
  BIND_GSS_OPTIONS="querylog yes;" \
    BIND_GSS_CONF="zone \"$idn\" { type primary; file \"$work/ns1/$idn.zone\"; };" \
    bind_gss_up "$work/ns1" "$NS1" "$port" "$work/ns1.keytab" "$zone" "$work/ns1/$zone.zone" || return 1
  BIND_GSS_OPTIONS="querylog yes;" \
    bind_gss_up "$work/ns2" "$NS2" "$port" "$work/ns2.keytab" "$zone" "$work/ns2/$zone.zone" || return 1
  start_discovery
}

# The insecure discovery source: plain named, SRV records with the servers' port.
start_discovery() {
  local d=$work/disc
  {
    printf '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\n@ NS ns2\n'
    printf 'ns1 A %s\nns2 A %s\n' "$NS1" "$NS2"
    printf '_dns._tcp SRV 0 0 %s ns2\n_dns._tcp SRV 10 0 %s ns1\n' "$port" "$port"
    printf '_dns._tcp.impostor SRV 0 0 %s ns2\n' "$port"
  } >"$d/$zone.zone"
  cat >"$d/named.conf" <<EOF
options {
  directory "$d"; pid-file "$d/named.pid"; session-keyfile "$d/session.key";
  managed-keys-directory "$d"; dump-file "$d/cache.db"; statistics-file "$d/stats";
  listen-on port $port { $DISC; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no;
  rrset-order { order none; };
};
controls { };
zone "$zone" { type primary; file "$d/$zone.zone"; };
EOF
  named -g -c "$d/named.conf" >"$d/named.log" 2>&1 &
  disc_pid=$!
  for _ in $(seq 1 75); do
    [ "$(dig +short +time=1 +tries=1 @"$DISC" -p "$port" "_dns._tcp.$zone" SRV | head -1)" = "0 0 $port ns2.$zone." ] &&
      return 0
    kill -0 "$disc_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "# the discovery named did not answer: $(tail -5 "$d/named.log")"
  return 1
}

# ---- redoubt ----

# config NAME ZONES: $work/NAME.yaml with the forward-zones entries ZONES (YAML text).
config() {
  cat >"$work/$1.yaml" <<EOF
listen: ["$R:53"]
workers: 1                     # GSS contexts are per worker
root-hints: $work/root.hints   # a root where nothing answers: no query leaves loopback
builtin-root-anchor: false
# The internal zones are unsigned and have no trust anchor: this test is about GSS-TSIG, and
# with no anchor nothing could be validated anyway.
validation: false
allow-loopback-upstreams: true
do-ip6: false
log-queries: true
cache: {enabled: false}        # every query is forwarded
forward-zones:
$2
EOF
}
# gss_zone NAME LINES...: one forward zone with gss-tsig, the client keytab and LINES.
gss_zone() {
  local name=$1 line; shift
  printf '  - name: %s\n    gss-tsig:\n      client-keytab: %s\n' "$name" "$work/client.keytab"
  for line in "$@"; do printf '      %s\n' "$line"; done
}
listed_ns1="servers: [{host: ns1.$zone, address: \"$NS1:$port\"}]"
listed_zones() {
  gss_zone "$zone" "client-principal: $client" "realm: $realm" "mechanism: spnego" "$listed_ns1" \
    "key-lifetime: 3600"
  gss_zone "$idn" "mechanism: kerberos" "servers: [{host: NS1.Corp.Example, address: \"$NS1:$port\"}]"
}

# start_redoubt NAME: redoubt with $work/NAME.yaml, log $work/NAME.log; up to 10 s to listen.
start_redoubt() {
  local c=$work/$1.yaml log=$work/$1.log
  "$bin" --check-config -c "$c" >"$work/$1.check" 2>&1 || { sed 's/^/# /' "$work/$1.check"; return 1; }
  "$bin" -c "$c" >"$log" 2>&1 &
  redoubt_pid=$!
  wait_for_line "$log" "listening on $R:53" 100 && kill -0 "$redoubt_pid" 2>/dev/null && return 0
  echo "# redoubt ($1) did not start: $(tail -5 "$log")"
  stop "$redoubt_pid"; redoubt_pid=
  return 1
}
# stop_redoubt: SIGTERM, up to 15 s; sets redoubt_rc and the shutdown counters of $1's log.
stop_redoubt() {
  local log=$work/$1.log line
  redoubt_rc=255
  if [ -n "$redoubt_pid" ]; then
    kill -TERM "$redoubt_pid" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$redoubt_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$redoubt_pid" 2>/dev/null
    wait "$redoubt_pid"; redoubt_rc=$?
    redoubt_pid=
  fi
  line=$(grep "gss-tsig: " "$log" | tail -1)
  gss_line=${line#redoubt: }
  c_est=$(sed -n 's/.*gss-tsig: \([0-9]*\) contexts established.*/\1/p' <<<"$line")
  c_hb=$(sed -n 's/.* (\([0-9]*\) host-based).*/\1/p' <<<"$line")
  c_ren=$(sed -n 's/.* \([0-9]*\) renewed.*/\1/p' <<<"$line")
  c_del=$(sed -n 's/.* \([0-9]*\) deleted at shutdown.*/\1/p' <<<"$line")
  c_unauth=$(sed -n 's/.* \([0-9]*\) unauthorised servers.*/\1/p' <<<"$line")
  c_fail=$(sed -n 's/.* \([0-9]*\) failed negotiations.*/\1/p' <<<"$line")
  : "${c_est:=x}" "${c_hb:=x}" "${c_ren:=x}" "${c_del:=x}" "${c_unauth:=x}" "${c_fail:=x}"
}
num_ge() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ]; }

# ask NAME [TYPE]: dig through redoubt (at most 10 s).
ask() { dig +time=10 +tries=1 @"$R" "$1" "${2:-A}" 2>&1; }
ede_of() { grep -m1 "EDE:" <<<"$1" | sed 's/^; *//'; }
# established LOG ZONE: the "context ... established" lines for ZONE's principals.
established() { grep -E "GSS-TSIG: context .* established with .* as DNS/[^ ]*/$2(@$realm)?, valid" "$1"; }
# key_names LOG ZONE: their key names, without the final dot.
key_names() { established "$1" "$2" | sed -n 's/.*GSS-TSIG: context \([^ ]*\)\. established.*/\1/p'; }
# qlog DIR: named's query log lines of the named in DIR.
qlog() { grep -h " query: " "$1"/named.log* 2>/dev/null; }
describe() { echo "$(status_of "$1") [$(answers_of "$1")] $(ede_of "$1")"; }

# ---- the checks ----

# 1, 2, 9, 6, 10: servers listed in the configuration.
run_listed() {
  config listed "$(listed_zones)"
  start_redoubt listed || { not_ok "redoubt started with listed servers"; return; }
  local log=$work/listed.log out out2 key n
  out=$(ask "www.$zone")
  check "1. listed server: www.$zone A through redoubt = 192.0.2.1 ($(describe "$out"))" \
    [ "$(status_of "$out")" = NOERROR -a "$(answers_of "$out")" = 192.0.2.1 ]
  check "1. a context established with $NS1:$port as DNS/ns1.$zone/$zone@$realm: $(established "$log" "$zone" | sed 's/^redoubt: //' | head -1)" \
    grep -qE "GSS-TSIG: context [0-9a-z.-]+\. established with $NS1:$port as DNS/ns1\.$zone/$zone@$realm, valid [0-9]+ s" "$log"
  key=$(key_names "$log" "$zone" | head -1)
  check "1. named ns1 logged the TKEY negotiation for $key (\"$key ANY TKEY -T\")" \
    grep -qi "query: $key ANY TKEY -T" "$work/ns1/named.log"
  out2=$(ask "www.$zone")
  n=$(established "$log" "$zone" | wc -l)
  check "1. a second query is answered (192.0.2.1) without negotiating again: $n established line(s)" \
    [ "$(answers_of "$out2")" = 192.0.2.1 -a "$n" -eq 1 ]

  # 2. named's query log: the forwarded queries carry the key (its client principal) and S.
  local signed unsigned_lines direct
  signed=$(qlog "$work/ns1" | grep -ic "/key $client\\\\@$realm (www\.$zone): query: www\.$zone IN A +S")
  unsigned_lines=$(qlog "$work/ns1" | grep -i "query: www\.$zone IN A " | grep -vic "/key $client\\\\@$realm .* +S")
  check "2. ns1's query log: the $signed forwarded www.$zone A queries arrived signed with the GSS key of $client@$realm (flag S), $unsigned_lines unsigned" \
    [ "$signed" -ge 2 -a "$unsigned_lines" -eq 0 ]
  direct=$(dig +time=3 +tries=1 @"$NS1" -p "$port" "www.$zone" AAAA 2>&1)
  sleep 0.2
  check "2. control: an unsigned dig straight to ns1 ($(status_of "$direct")) is logged without key and without S" \
    bash -c "grep -i 'query: www\.$zone IN AAAA' '$work/ns1/named.log' | grep -q . &&
      ! grep -i 'query: www\.$zone IN AAAA' '$work/ns1/named.log' | grep -qiE '/key|IN AAAA [+-][A-Z(0-9)]*S'"
  check "2. the impostor ns2 was not asked anything (bind_gss_up's SOA probe aside)" \
    [ "$(qlog "$work/ns2" | grep -vc "query: $zone IN SOA")" -eq 0 ]

  # 9. The internationalised zone, with the bare Kerberos mechanism.
  out=$(ask "www.$idn")
  check "9. www.$idn (bücher.example) A through redoubt = 192.0.2.7 ($(describe "$out"))" \
    [ "$(status_of "$out")" = NOERROR -a "$(answers_of "$out")" = 192.0.2.7 ]
  check "9. a context established as DNS/ns1.$zone/$idn (host given as NS1.Corp.Example): $(established "$log" "$idn" | sed 's/^redoubt: //' | head -1)" \
    grep -qE "GSS-TSIG: context [0-9a-z.-]+\. established with $NS1:$port as DNS/ns1\.$zone/$idn(@$realm)?, valid" "$log"

  # 6. named restarted without its saved keys: the context is gone, the next query gets BADKEY.
  key=$(key_names "$log" "$zone" | head -1)
  cp "$work/ns1/named.log" "$work/ns1/named.log.1"
  bind_gss_down "$work/ns1"
  # named saves its live TKEY keys when it stops and restores them when it starts: the
  # context would survive a plain restart. Without the file it is lost, as after a crash.
  check "6. named saved the live context $key at its stop (so a restart alone would keep it)" \
    grep -qi "^$key " "$work/ns1/_default.tsigkeys"
  local inception expiry valid
  read -r inception expiry < <(grep -i "^$key " "$work/ns1/_default.tsigkeys" | awk '{print $3, $4}')
  valid=$(established "$log" "$zone" | head -1 | sed -n 's/.*, valid \([0-9]*\) s.*/\1/p')
  echo "# named holds $key for $((${expiry:-0} - ${inception:-0})) s (its TKEY expiration); redoubt uses it for ${valid:-?} s (the ticket)"
  rm -f "$work/ns1/_default.tsigkeys"
  if ! BIND_GSS_OPTIONS="querylog yes;" \
    BIND_GSS_CONF="zone \"$idn\" { type primary; file \"$work/ns1/$idn.zone\"; };" \
    bind_gss_up "$work/ns1" "$NS1" "$port" "$work/ns1.keytab" "$zone" "$work/ns1/$zone.zone"; then
    not_ok "6. ns1 restarted"
  fi
  out=$(ask "www2.$zone")
  n=$(established "$log" "$zone" | wc -l)
  check "6. after ns1 lost its contexts, www2.$zone A = 192.0.2.2 ($(describe "$out")) and a second context was established ($n lines)" \
    [ "$(answers_of "$out")" = 192.0.2.2 -a "$n" -eq 2 ]
  # BIND's BADKEY reply is unsigned: redoubt waits out the UDP timeout for a signed one before
  # it asks again over TCP, where BADKEY is believed.
  grep -m1 "query .* www2\.$zone\. A " "$log" | sed 's/^redoubt: /# after the restart: /'

  # 10. Shutdown: TKEY mode 5 for every context.
  key=$(key_names "$log" "$zone" | tail -1)
  stop_redoubt listed
  check "10. redoubt exits 0 on SIGTERM (exit $redoubt_rc)" [ "$redoubt_rc" -eq 0 ]
  check "6. shutdown line counts the renegotiation: $gss_line" num_ge "$c_ren" 1
  check "10. shutdown line: contexts deleted (D >= 1): $gss_line" num_ge "$c_del" 1
  check "10. named ns1 received the signed TKEY deletion of $key (\"$key ANY TKEY -ST\")" \
    grep -qi "query: $key ANY TKEY -ST" "$work/ns1/named.log"
  # named saves its live TKEY keys when it stops: the deleted one must not be among them.
  cp "$work/ns1/named.log" "$work/ns1/named.log.2"
  bind_gss_down "$work/ns1"
  check "10. named ns1 no longer holds $key (absent from the keys it saves at its stop)" \
    bash -c "[ ! -f '$work/ns1/_default.tsigkeys' ] || ! grep -qi '^$key ' '$work/ns1/_default.tsigkeys'"
  BIND_GSS_OPTIONS="querylog yes;" \
    BIND_GSS_CONF="zone \"$idn\" { type primary; file \"$work/ns1/$idn.zone\"; };" \
    bind_gss_up "$work/ns1" "$NS1" "$port" "$work/ns1.keytab" "$zone" "$work/ns1/$zone.zone" ||
    not_ok "ns1 restarted after check 10"
}

# 9. The zone name in UTF-8: refused by the loader, or working like its A-label.
run_utf8_name() {
  config utf8 "$(gss_zone "bücher.example" "$listed_ns1")"
  if ! "$bin" --check-config -c "$work/utf8.yaml" >"$work/utf8.check" 2>&1; then
    ok "9. the loader refuses the U-label zone name bücher.example: $(tail -1 "$work/utf8.check")"
    return
  fi
  start_redoubt utf8 || { not_ok "redoubt started with the zone bücher.example"; return; }
  local out; out=$(ask "www.$idn")
  stop_redoubt utf8
  check "9. the U-label zone name bücher.example, accepted by --check-config, works like $idn: www.$idn A ($(describe "$out"))" \
    [ "$(answers_of "$out")" = 192.0.2.7 ]
}

# 3. Discovery finds the impostor first, then ns1; nothing allow-listed.
run_discover_both() {
  config both "$(gss_zone "$zone" "discover: {from: [\"$DISC:$port\"], srv: _dns._tcp.$zone}")"
  start_redoubt both || { not_ok "redoubt started with discovery"; return; }
  local log=$work/both.log out answers="" before
  before=$(qlog "$work/ns2" | wc -l)
  for _ in 1 2 3; do out=$(ask "www.$zone"); answers+=" $(answers_of "$out")"; done
  stop_redoubt both
  check "3. RFC 5178 attack (discovery: ns2, then ns1): three answers${answers}, never 192.0.2.66" \
    [ "$answers" = " 192.0.2.1 192.0.2.1 192.0.2.1" ]
  check "3. ns2 refused: $(grep -m1 "is not authorised" "$log" | cut -c1-160)..." \
    grep -q "GSS-TSIG: server $NS2:$port (ns2\.$zone) is not authorised for $zone" "$log"
  check "3. ns1 established as DNS/ns1.$zone/$zone: $(established "$log" "$zone" | sed 's/^redoubt: //' | head -1)" \
    grep -qE "GSS-TSIG: context [0-9a-z.-]+\. established with $NS1:$port as DNS/ns1\.$zone/$zone(@$realm)?, valid" "$log"
  check "3. the impostor was never asked a query (its query log: $(($(qlog "$work/ns2" | wc -l) - before)) new lines)" \
    [ "$(qlog "$work/ns2" | wc -l)" -eq "$before" ]
  check "3. shutdown line: $gss_line" [ "$c_unauth" = 1 -a "$c_est" = 1 -a "$c_hb" = 0 ]
}

# 4. Discovery finds the impostor only.
run_impostor() {
  config impostor "$(gss_zone "$zone" "discover: {from: [\"$DISC:$port\"], srv: _dns._tcp.impostor.$zone}")"
  start_redoubt impostor || { not_ok "redoubt started with the impostor only"; return; }
  local out ede
  out=$(ask "www.$zone"); ede=$(ede_of "$out")
  stop_redoubt impostor
  check "4. impostor only: SERVFAIL with EDE 22 \"not authorised\" ($(status_of "$out") [$(answers_of "$out")] ${ede:0:200}...)" \
    bash -c '[ "$1" = SERVFAIL ] && grep -q "EDE: 22" <<<"$2" && grep -q "is not authorised for '"$zone"'" <<<"$2"' _ \
    "$(status_of "$out")" "$ede"
  if num_ge "$c_unauth" 1 && [ "$c_est" = 0 ]; then ok "4. shutdown line counts the unauthorised server: $gss_line"
  else not_ok "4. shutdown line counts the unauthorised server: $gss_line"; fi
}

# 5. The impostor allow-listed for a host-based name.
run_host_based() {
  config hostbased "$(gss_zone "$zone" "discover: {from: [\"$DISC:$port\"], srv: _dns._tcp.impostor.$zone}" \
    "host-based: [ns2.$zone]")"
  start_redoubt hostbased || { not_ok "redoubt started with host-based: [ns2.$zone]"; return; }
  local log=$work/hostbased.log out
  out=$(ask "www.$zone")
  stop_redoubt hostbased
  check "5. host-based: [ns2.$zone]: the operator's choice is served, www.$zone A = 192.0.2.66 ($(describe "$out"))" \
    [ "$(answers_of "$out")" = 192.0.2.66 ]
  check "5. established as the host-based DNS/ns2.$zone: $(grep -m1 "established" "$log" | sed 's/^redoubt: //')" \
    grep -qE "GSS-TSIG: context [0-9a-z.-]+\. established with $NS2:$port as DNS/ns2\.$zone(@$realm)?, valid" "$log"
  check "5. shutdown line: 1 host-based ($gss_line)" [ "$c_hb" = 1 -a "$c_est" = 1 ]
}

# 7. A 75-second ticket: renewed once less than a minute is left.
run_renewal() {
  local out
  out=$(kadmin.local -q "modprinc -maxlife \"75 seconds\" DNS/ns1.$zone/$zone" 2>&1)
  grep -q "modified" <<<"$out" || { not_ok "7. modprinc -maxlife 75 s: $out"; return; }
  config renewal "$(gss_zone "$zone" "realm: $realm" "$listed_ns1")"
  start_redoubt renewal || { not_ok "redoubt started (renewal)"; return; }
  local log=$work/renewal.log first second life n
  first=$(ask "www.$zone")
  life=$(established "$log" "$zone" | head -1 | sed -n 's/.*, valid \([0-9]*\) s.*/\1/p')
  check "7. the context lives as long as the ticket: valid ${life:-?} s (60 < life <= 75)" \
    bash -c '[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 60 ] && [ "$1" -le 75 ]' _ "$life"
  sleep 16
  second=$(ask "www.$zone")
  n=$(established "$log" "$zone" | wc -l)
  stop_redoubt renewal
  check "7. 16 s later (less than 60 s left) a new context: $n established lines, answers $(answers_of "$first") / $(answers_of "$second")" \
    [ "$n" -eq 2 -a "$(answers_of "$first")" = 192.0.2.1 -a "$(answers_of "$second")" = 192.0.2.1 ]
  check "7. shutdown line counts the renewal: $gss_line" num_ge "$c_ren" 1
}

# 8. The KDC is down and redoubt has no context yet.
run_kdc_down() {
  krb_lab_down
  config nokdc "$(listed_zones)"
  start_redoubt nokdc || { not_ok "redoubt started (KDC down)"; return; }
  local log=$work/nokdc.log out ede
  out=$(ask "www.$zone"); ede=$(ede_of "$out")
  stop_redoubt nokdc
  check "8. KDC down: SERVFAIL with EDE 22 naming the Kerberos failure ($(status_of "$out"): $(grep -o "Cannot contact any KDC[^)]*" <<<"$ede" | head -1))" \
    bash -c '[ "$1" = SERVFAIL ] && grep -q "EDE: 22" <<<"$2" && grep -q "Cannot contact any KDC for realm .'"$realm"'." <<<"$2"' _ \
    "$(status_of "$out")" "$ede"
  check "8. logged: $(grep -m1 "Cannot contact any KDC" "$log" | cut -c1-150)..." \
    grep -q "GSS-TSIG: server $NS1:$port (ns1\.$zone): .*Cannot contact any KDC" "$log"
  check "8. shutdown line counts the failed negotiation: $gss_line" [ "$c_fail" = 1 -a "$c_est" = 0 ]
}

# 8. What redoubt logs about GSS-TSIG: the expected sentences, never token or key bytes.
check_log_hygiene() {
  local logs=("$work"/*.log) strange blob
  strange=$(grep -h "GSS-TSIG" "${logs[@]}" | grep -vE \
    "^redoubt: GSS-TSIG: (context [0-9]+\.sig-[a-z0-9.-]+\. established with [0-9.]+:[0-9]+ as DNS/[a-z0-9./-]+(@$realm)?, valid [0-9]+ s|server [0-9.]+:[0-9]+ \([a-z0-9.-]+\)[ :].*)$")
  blob=$(grep -hoE "[A-Za-z0-9+/=]{32,}" "${logs[@]}")
  [ -n "$strange" ] && sed 's/^/# unexpected: /' <<<"$strange"
  [ -n "$blob" ] && sed 's/^/# looks like token or key bytes: /' <<<"$blob"
  check "8. redoubt's GSS-TSIG log lines are the expected sentences, with no token or key bytes ($(cat "${logs[@]}" | grep -c "GSS-TSIG") lines in ${#logs[@]} logs)" \
    [ -z "$strange" -a -z "$blob" ]
}

main() {
  local start=$SECONDS tool a
  for tool in named krb5kdc kadmin.local kdb5_util dig ip; do
    command -v "$tool" >/dev/null || { not_ok "$tool is not installed"; finish; }
  done
  [ -x "$bin" ] || { not_ok "$bin is missing (build first, or set REDOUBT_BIN)"; finish; }
  for a in $R $NS1 $NS2 $DISC $KDC $NOROOT; do add_address "$a" || { not_ok "address $a"; finish; }; done
  printf '. 3600000 NS a.root.test.\na.root.test. 3600000 A %s\n' "$NOROOT" >"$work/root.hints"
  if setup_realm; then ok "KDC for $realm on $KDC:$kdc_port with the principals"
  else not_ok "KDC for $realm on $KDC:$kdc_port with the principals"; finish; fi
  # redoubt's GSS library reads the lab's krb5.conf (krb_lab_up exported KRB5_CONFIG).
  export KRB5_CONFIG
  local servers="named ns1 and ns2 (GSS) and the discovery named on $NS1, $NS2, $DISC:$port"
  if start_servers; then ok "$servers"; else not_ok "$servers"; finish; fi
  run_listed
  run_utf8_name
  run_discover_both
  run_impostor
  run_host_based
  run_renewal
  run_kdc_down
  check_log_hygiene
  echo "# checked in $((SECONDS - start)) s"
  finish
}

main "$@"
