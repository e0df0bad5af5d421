#!/usr/bin/env bash
# GSS-API contexts for GSS-TSIG (crypto/gss_context.h; specs/gss-tsig.md sections 2-6) against a
# real MIT KDC and BIND named, all started here on loopback by tests/integration/lib/kerberos.sh:
#   KDC    realm CORP.EXAMPLE on 127.58.0.1:8800 (UDP and TCP);
#   named  127.58.0.2:5300 serving corp.example with tkey-gssapi-keytab (DNS/ns1.corp.example,
#          DNS/ns1.corp.example/corp.example), and a second instance on 127.58.0.3:5300.
# Principals: client/host.corp.example (client keytab); shortclient/host.corp.example, whose
# tickets live $short_life s (the renewal test); DNS/ns1.corp.example (tickets of at most 2
# minutes) and DNS/ns1.corp.example/corp.example in the acceptor keytab; DNS/ns2.corp.example
# in the KDC only. Checks, each "ok - ..." or "not ok - ...":
#   1. every test of gss_context_tests (build/gss_context_tests, REDOUBT_GSS_TESTS): the
#      initiator against the in-process acceptor (host-based and three-part principals, MICs,
#      altered and replayed MICs, unknown target, missing client keytab, a target the acceptor
#      has no key for, lifetimes, renewal from the client keytab), and against named (TKEY
#      negotiation, a signed QUERY and its signed reply, a principal named lacks); none skipped;
#   2. bind_gss_up: both named instances answer the zone's SOA;
#   3. nsupdate -g (stock BIND client) adds a record over GSS-TSIG, and dig sees it.
# Runs as root (ip addr). Ends with "gss-context: N passed, M failed". GSS_CONTEXT_KEEP=1 keeps
# the work directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tests_bin=${REDOUBT_GSS_TESTS:-$root/${REDOUBT_BUILD_DIR:-build}/gss_context_tests}
realm=CORP.EXAMPLE kdc_addr=127.58.0.1 kdc_port=8800
ns1=127.58.0.2 ns2=127.58.0.3 dns_port=5300 zone=corp.example short_life=8
umask 077
work=$(mktemp -d /tmp/redoubt-gss.XXXXXX)
passed=0 failed=0 added=()
source "$here/lib/harness.sh"
source "$here/lib/kerberos.sh"

cleanup() {
  bind_gss_down "$work/ns1"; bind_gss_down "$work/ns2"; krb_lab_down
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  [ "${GSS_CONTEXT_KEEP:-0}" = 1 ] && echo "# kept $work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
finish() { echo "gss-context: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

[ -x "$tests_bin" ] || { not_ok "gss_context_tests built ($tests_bin)"; finish; }
for a in $kdc_addr $ns1 $ns2; do add_address "$a" || { not_ok "address $a"; finish; }; done

# The realm and its principals.
setup_realm() {
  krb_lab_up "$work/kdc" "$realm" "$kdc_addr" "$kdc_port" || return 1
  krb_add_principal "client/host.corp.example" "$work/client.keytab" &&
    krb_add_principal "shortclient/host.corp.example" "$work/short.keytab" "$short_life seconds" &&
    krb_add_principal "DNS/ns1.corp.example" "$work/acceptor.keytab" "2 minutes" &&
    krb_add_principal "DNS/ns1.corp.example/corp.example" "$work/acceptor.keytab" &&
    krb_add_principal "DNS/ns2.corp.example" "$work/other.keytab"
}
if setup_realm; then ok "KDC for $realm on $kdc_addr:$kdc_port with the test principals"
else not_ok "KDC for $realm on $kdc_addr:$kdc_port with the test principals"; finish; fi

# Two named instances; ns1 takes GSS-TSIG updates from the client principal.
zone_file() {
  printf '$TTL 300\n@ SOA ns1.%s. hostmaster.%s. 1 3600 600 86400 300\n@ NS ns1.%s.\nns1 A %s\nwww A 192.0.2.1\n' \
    "$zone" "$zone" "$zone" "$1" >"$2"
}
mkdir -p "$work/ns1" "$work/ns2"
zone_file "$ns1" "$work/ns1/$zone.zone"; zone_file "$ns2" "$work/ns2/$zone.zone"
policy="update-policy { grant \"client/host.corp.example@$realm\" zonesub ANY; };"
check "bind_gss_up: named with tkey-gssapi-keytab on $ns1:$dns_port" \
  bind_gss_up "$work/ns1" "$ns1" "$dns_port" "$work/acceptor.keytab" "$zone" "$work/ns1/$zone.zone" "$policy"
check "bind_gss_up: a second named on $ns2:$dns_port at the same time" \
  bind_gss_up "$work/ns2" "$ns2" "$dns_port" "$work/acceptor.keytab" "$zone" "$work/ns2/$zone.zone"
check "dig gets the SOA of $zone from both named instances" \
  bash -c "[ -n \"\$(dig +short @$ns1 -p $dns_port $zone SOA)\" ] && [ -n \"\$(dig +short @$ns2 -p $dns_port $zone SOA)\" ]"

# 1. The gtest binary, one line per test.
export REDOUBT_GSS_REALM=$realm REDOUBT_GSS_WORK=$work
export REDOUBT_GSS_CLIENT_KEYTAB=$work/client.keytab REDOUBT_GSS_CLIENT_PRINCIPAL="client/host.corp.example@$realm"
export REDOUBT_GSS_SHORT_CLIENT_KEYTAB=$work/short.keytab
export REDOUBT_GSS_SHORT_CLIENT_PRINCIPAL="shortclient/host.corp.example@$realm" REDOUBT_GSS_SHORT_LIFE=$short_life
export REDOUBT_GSS_ACCEPTOR_KEYTAB=$work/acceptor.keytab
export REDOUBT_GSS_BIND_SERVER=$ns1:$dns_port REDOUBT_GSS_BIND_ZONE=$zone.
"$tests_bin" --gtest_shuffle >"$work/gtest.log" 2>&1
rc=$?
# Each test's verdict once (gtest repeats failures in its summary), a failure with its output.
while read -r verdict name; do
  case "$verdict" in
    OK) ok "gss_context_tests: $name" ;;
    FAILED) not_ok "gss_context_tests: $name"
      awk -v n="$name" 'index($0, "[ RUN      ] " n) == 1 {on = 1} on {print "# " $0}
        on && index($0, "[  FAILED  ] " n) == 1 {exit}' "$work/gtest.log" ;;
    SKIPPED) not_ok "gss_context_tests: $name was skipped" ;;
  esac
done < <(sed -nE 's/^\[ +(OK|FAILED|SKIPPED) +\] ([A-Za-z][A-Za-z0-9_/.]*)([ ,].*)?$/\1 \2/p' \
  "$work/gtest.log" | awk '!seen[$0]++')
grep "^# error text" "$work/gtest.log" | sort -u
count=$(grep -cE '^\[ +OK +\] ' "$work/gtest.log")
check "gss_context_tests ran (exit $rc, $count tests passed, none skipped)" \
  bash -c "[ $rc -eq 0 ] && [ $count -ge 20 ] && ! grep -q '^\[  SKIPPED \]' '$work/gtest.log'"

# 3. nsupdate -g: the stock client builds its target DNS/<SOA MNAME>@REALM (here
# DNS/ns1.corp.example, in named's keytab) and uses the default ccache (KRB5CCNAME).
nsupdate_smoke() {
  kinit -k -t "$work/client.keytab" "client/host.corp.example@$realm" || return 1
  printf 'server %s %s\nzone %s\nupdate add gss-smoke.%s. 300 A 192.0.2.77\nsend\n' \
    "$ns1" "$dns_port" "$zone" "$zone" | nsupdate -g -t 10 >"$work/nsupdate.log" 2>&1 || {
      sed 's/^/# /' "$work/nsupdate.log"; return 1; }
  [ "$(dig +short @"$ns1" -p "$dns_port" "gss-smoke.$zone" A)" = 192.0.2.77 ]
}
check "nsupdate -g adds a record to $zone over GSS-TSIG (target DNS/ns1.$zone from the SOA MNAME)" nsupdate_smoke
finish
