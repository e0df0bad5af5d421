# A private Kerberos realm (MIT krb5kdc) and GSS-TSIG-enabled BIND named instances for the
# integration tests (specs/gss-tsig.md section 6), on loopback and entirely under the caller's
# directories: nothing reads or writes /etc/krb5.conf, /etc/bind or /var/tmp. Source it (after
# lib/harness.sh for stop); the caller adds the loopback addresses (add_address), installs a
# trap that calls krb_lab_down and bind_gss_down, and removes the directories.
#
#   krb_lab_up DIR REALM ADDRESS PORT   a KDC for REALM on ADDRESS:PORT (UDP and TCP), files in
#                                       DIR; exports KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5CCNAME
#                                       (DIR/ccache) and KRB5RCACHEDIR (DIR). KRB_TICKET_LIFETIME
#                                       (default "10h") sets ticket_lifetime and the realm's
#                                       max_life.
#   krb_add_principal P KEYTAB [MAXLIFE] a principal with a random key, appended to KEYTAB;
#                                       MAXLIFE ("2 minutes") caps its tickets' lifetime.
#   krb_lab_down                        stops the KDC; DIR stays for the caller to remove.
#   bind_gss_up DIR ADDRESS PORT KEYTAB ZONE ZONEFILE [ZONE_EXTRA]
#                                       named with tkey-gssapi-keytab KEYTAB serving ZONE from
#                                       ZONEFILE (ZONE_EXTRA: more zone statements, e.g. an
#                                       update-policy); log in DIR/named.log. Several at once.
#                                       BIND_GSS_OPTIONS: more options (e.g. "querylog yes;");
#                                       BIND_GSS_CONF: more top-level statements (more zones).
#   bind_gss_down DIR                   stops the named started with DIR.
#
# What experiments with BIND 9.18.49 (Debian 12) and MIT krb5 1.20.1 showed; gss_context.sh and
# the BindTkey tests of gss_context_tests (tests/gss/bind_tkey_test.cc) repeat them every run:
#   * RFC 5179 three-part principals: kadmin.local and the KDC take
#     DNS/ns1.corp.example/corp.example@REALM like any other principal, and named with
#     tkey-gssapi-keytab accepts a TKEY (mode 3) negotiation for it when it is in the keytab:
#     NOERROR, the AP-REP token, the reply signed with the new context. A principal the KDC knows
#     but named's keytab lacks gets TKEY error BADKEY (17); reusing the key name of an established
#     context gets BADNAME (20), so every negotiation needs a fresh key name.
#   * named verifies an ordinary QUERY (SOA) signed with the negotiated gss-tsig key and answers
#     NOERROR with a reply signed by a GSS MIC that the initiator verifies (RFC 3645 section 5
#     applies to any message, not only UPDATE).
#   * Ticket lifetimes: the KDC has no lower bound: `addprinc -maxlife "1 second"` (also 10 s,
#     1 min, 2 min) gives service tickets of exactly that life, even under a 10-hour TGT; a client
#     principal's -maxlife caps its TGT the same way (gss_context.sh: 8 s, for the renewal
#     test). A ticket's life is min(requested, client max_life, service max_life, realm
#     max_life, what is left of the TGT). "2 minutes" on DNS/ns1 gives 120 s contexts.
#   * `ktadd` re-randomises the key unless -norandkey is given, which would invalidate earlier
#     keytabs of the same principal: krb_add_principal uses -norandkey, so one principal can go
#     into several keytabs.
#   * nsupdate -g needs no system configuration with KRB5_CONFIG and KRB5CCNAME (after
#     `kinit -k -t`): it builds its target DNS/<zone's SOA MNAME>@<default realm>, not the
#     address given to `server`, so the SOA MNAME must be a name whose DNS/ principal is in
#     named's keytab (gss_context.sh: ns1.corp.example).
#   * MIT's acceptor writes a replay cache; KRB5RCACHEDIR=DIR keeps it out of /var/tmp.
#   * (gss_tsig.sh) named saves its live TKEY keys, GSS contexts included, in
#     DIR/_default.tsigkeys when it stops and restores them when it starts: a plain restart keeps
#     the contexts; removing the file loses them (then a signed query gets an unsigned BADKEY).
#     A key's expiry there is the lifetime the TKEY query asked for, not the ticket's. With
#     `querylog yes;` a negotiation logs "<key> ANY TKEY -T", a query signed with a GSS key
#     "/key <client principal> (...): query: ... +S...", a TKEY deletion "<key> ANY TKEY -ST".

krb_kdc_pid=
declare -A bind_gss_pids=()

# krb_lab_up DIR REALM ADDRESS PORT
krb_lab_up() {
  local dir=$1 realm=$2 address=$3 port=$4 life=${KRB_TICKET_LIFETIME:-10h}
  local domain; domain=$(tr 'A-Z' 'a-z' <<<"$realm")
  mkdir -p "$dir" || return 1
  cat >"$dir/krb5.conf" <<EOF
[libdefaults]
  default_realm = $realm
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  ticket_lifetime = $life
  renew_lifetime = 0
  udp_preference_limit = 1
  kdc_timesync = 0
[realms]
  $realm = {
    kdc = $address:$port
  }
[domain_realm]
  .$domain = $realm
  $domain = $realm
EOF
  cat >"$dir/kdc.conf" <<EOF
[kdcdefaults]
  kdc_ports = $port
  kdc_tcp_ports = $port
[realms]
  $realm = {
    database_name = $dir/principal
    key_stash_file = $dir/stash
    acl_file = $dir/kadm5.acl
    admin_keytab = FILE:$dir/kadm5.keytab
    kdc_ports = $port
    kdc_tcp_ports = $port
    kdc_listen = $address:$port
    kdc_tcp_listen = $address:$port
    max_life = $life
    max_renewable_life = 0
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }
[logging]
  kdc = FILE:$dir/kdc.log
EOF
  : >"$dir/kadm5.acl"
  export KRB5_CONFIG=$dir/krb5.conf KRB5_KDC_PROFILE=$dir/kdc.conf
  export KRB5CCNAME=FILE:$dir/ccache KRB5RCACHEDIR=$dir
  unset KRB5_KTNAME KRB5_CLIENT_KTNAME
  kdb5_util create -s -r "$realm" -P "$(head -c 24 /dev/urandom | base64)" \
    >"$dir/kdb5_util.log" 2>&1 || { echo "# kdb5_util failed: $(tail -3 "$dir/kdb5_util.log")"; return 1; }
  krb5kdc -n -r "$realm" >"$dir/krb5kdc.out" 2>&1 &
  krb_kdc_pid=$!
  krb_add_principal "probe/kdc.$domain" "$dir/probe.keytab" || return 1
  local i
  for i in $(seq 1 50); do
    KRB5CCNAME=MEMORY:probe kinit -k -t "$dir/probe.keytab" "probe/kdc.$domain" \
      >/dev/null 2>&1 && return 0
    kill -0 "$krb_kdc_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "# the KDC did not answer: $(tail -3 "$dir/krb5kdc.out" "$dir/kdc.log" 2>/dev/null)"
  return 1
}

# krb_add_principal PRINCIPAL KEYTAB [MAXLIFE]
krb_add_principal() {
  local p=$1 keytab=$2 maxlife=${3:-} out
  local opts=(-randkey); [ -n "$maxlife" ] && opts+=(-maxlife "\"$maxlife\"")
  out=$(kadmin.local -q "addprinc ${opts[*]} $p" 2>&1) ||
    { echo "# addprinc $p: $out"; return 1; }
  grep -q "Principal \".*\" created" <<<"$out" || { echo "# addprinc $p: $out"; return 1; }
  out=$(kadmin.local -q "ktadd -norandkey -k $keytab $p" 2>&1) || { echo "# ktadd $p: $out"; return 1; }
  grep -q "added to keytab" <<<"$out" || { echo "# ktadd $p: $out"; return 1; }
}

krb_lab_down() {
  [ -n "$krb_kdc_pid" ] && stop "$krb_kdc_pid"
  krb_kdc_pid=
}

# bind_gss_up DIR ADDRESS PORT KEYTAB ZONE ZONEFILE [ZONE_EXTRA]
bind_gss_up() {
  local dir=$1 address=$2 port=$3 keytab=$4 zone=$5 zonefile=$6 extra=${7:-} i
  mkdir -p "$dir" || return 1
  cat >"$dir/named.conf" <<EOF
options {
  directory "$dir"; pid-file "$dir/named.pid"; session-keyfile "$dir/session.key";
  managed-keys-directory "$dir"; dump-file "$dir/cache.db"; statistics-file "$dir/stats";
  listen-on port $port { $address; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no;
  tkey-gssapi-keytab "$keytab";
  ${BIND_GSS_OPTIONS:-}
};
controls { };
zone "$zone" { type primary; file "$zonefile"; $extra };
${BIND_GSS_CONF:-}
EOF
  named -g -c "$dir/named.conf" >"$dir/named.log" 2>&1 &
  bind_gss_pids[$dir]=$!
  for i in $(seq 1 75); do
    dig +time=1 +tries=1 @"$address" -p "$port" "$zone" SOA 2>/dev/null | grep -q "status: NOERROR" &&
      return 0
    kill -0 "${bind_gss_pids[$dir]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "# named in $dir did not answer: $(tail -5 "$dir/named.log")"
  return 1
}

bind_gss_down() {
  local pid=${bind_gss_pids[$1]:-}
  [ -n "$pid" ] && stop "$pid"
  unset "bind_gss_pids[$1]"
}
