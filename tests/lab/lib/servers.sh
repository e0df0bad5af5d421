# Starts and stops the lab's authoritative servers. Each runs in the foreground of a background
# job with its own config, pid and log under $LAB_DIR/run/<server>/, binds only its own
# loopback addresses, and is recorded in $LAB_DIR/pids so `lab down` can stop it.

addresses_of() {  # addresses_of SERVER -> the addresses of the zones that server serves
  local z name addr server
  for z in "${LAB_ZONES[@]}"; do
    IFS='|' read -r name addr server _ <<<"$z"
    [ "$server" = "$1" ] && echo "$addr"
  done
  return 0
}

zones_of() {  # zones_of SERVER
  local z name server
  for z in "${LAB_ZONES[@]}"; do
    IFS='|' read -r name _ server _ <<<"$z"
    [ "$server" = "$1" ] && echo "$name"
  done
  return 0
}

remember() { echo "$1 $2" >>"$LAB_DIR/pids"; }  # remember NAME PID

# BIND listens only on addresses configured on an interface (as its own system tests do with
# 10.53.0.x), so every lab address is added to lo as a /32 and removed again by `lab down`.
# They all lie inside 127.0.0.0/8, which lo already routes.
add_addresses() {
  local a
  for a in $(lab_addresses); do
    case "$a" in 127.*) ip addr add "$a/32" dev lo 2>/dev/null ;; *) lab_die "$a is not loopback" ;; esac
  done
  return 0
}

remove_addresses() {
  local a
  for a in $(ip -4 -o addr show dev lo 2>/dev/null | awk '{print $4}' | grep '^127\.53\.' ); do
    ip addr del "$a" dev lo 2>/dev/null
  done
  return 0
}

start_knot() {
  local dir="$LAB_DIR/run/knot" a z
  mkdir -p "$dir/storage"
  {
    echo "server:"
    echo "  rundir: \"$dir\""
    for a in $(addresses_of knot); do echo "  listen: $a@53"; done
    echo "database:"
    echo "  storage: \"$dir/storage\""
    echo "log:"
    echo "  - target: stderr"
    echo "    any: warning"
    # Transfers to the lab's own loopback range only: redoubt mirrors the root (RFC 8806).
    echo "acl:"
    echo "  - id: lab_transfer"
    echo "    address: 127.0.0.0/8"
    echo "    action: transfer"
    echo "template:"
    echo "  - id: default"
    echo "    storage: \"$LAB_DIR/signed\""
    echo "    acl: lab_transfer"
    echo "    journal-content: none"
    echo "    zonefile-sync: -1"
    echo "zone:"
    for z in $(zones_of knot); do
      echo "  - domain: \"$z\""
      echo "    file: \"$LAB_DIR/signed/$(zone_file "$z").zone\""
    done
  } >"$dir/knot.conf"
  knotd -c "$dir/knot.conf" >"$dir/log" 2>&1 &
  remember knotd $!
}

start_nsd() {
  local dir="$LAB_DIR/run/nsd" a z
  mkdir -p "$dir"
  {
    echo "server:"
    for a in $(addresses_of nsd); do echo "  ip-address: $a@53"; done
    echo "  username: \"\""
    echo "  chroot: \"\""
    echo "  zonesdir: \"$LAB_DIR/signed\""
    echo "  database: \"\""
    echo "  pidfile: \"$dir/nsd.pid\""
    echo "  xfrdfile: \"$dir/xfrd.state\""
    echo "  zonelistfile: \"$dir/zone.list\""
    echo "  hide-version: yes"
    echo "  verbosity: 1"
    echo "remote-control:"
    echo "  control-enable: no"
    for z in $(zones_of nsd); do
      echo "zone:"
      echo "  name: \"$z\""
      echo "  zonefile: \"$LAB_DIR/signed/$(zone_file "$z").zone\""
      echo "  provide-xfr: 127.0.0.0/8 NOKEY"  # legacy_verify.py reads NXT chains by AXFR.
    done
  } >"$dir/nsd.conf"
  nsd -d -c "$dir/nsd.conf" >"$dir/log" 2>&1 &
  remember nsd $!
}

start_named() {
  local dir="$LAB_DIR/run/named" a z
  mkdir -p "$dir"
  {
    echo "options {"
    echo "  directory \"$dir\";"
    echo "  pid-file \"$dir/named.pid\";"
    echo "  listen-on port 53 { $(for a in $(addresses_of named); do printf '%s; ' "$a"; done)};"
    echo "  listen-on-v6 { none; };"
    echo "  recursion no;"
    echo "  dnssec-validation no;"
    echo "  minimal-responses no;"
    echo "};"
    echo "controls { };"
    for z in $(zones_of named); do
      echo "zone \"$z\" { type primary; file \"$LAB_DIR/signed/$(zone_file "$z").zone\"; };"
    done
  } >"$dir/named.conf"
  named -g -c "$dir/named.conf" >"$dir/log" 2>&1 &
  remember named $!
}

# PowerDNS with its sqlite backend serves gamma. and signs it live (ED25519, NSEC3); the DS it
# publishes is added to the root zone before the root is signed.
start_pdns() {
  local dir="$LAB_DIR/run/pdns"
  mkdir -p "$dir"
  sqlite3 "$dir/pdns.sqlite3" </usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
  cat >"$dir/pdns.conf" <<CONF
launch=gsqlite3
gsqlite3-database=$dir/pdns.sqlite3
gsqlite3-dnssec=yes
local-address=$(addresses_of pdns | paste -sd, -)
local-port=53
socket-dir=$dir
guardian=no
daemon=no
disable-syslog=yes
loglevel=3
webserver=no
api=no
CONF
  local util=(pdnsutil --config-dir="$dir")
  "${util[@]}" load-zone gamma. "$LAB_DIR/signed/gamma.zone" >/dev/null 2>&1 || lab_die "pdnsutil load-zone failed"
  "${util[@]}" add-zone-key gamma. ksk active ed25519 >/dev/null 2>&1 || lab_die "pdnsutil add-zone-key failed"
  "${util[@]}" add-zone-key gamma. zsk active ed25519 >/dev/null 2>&1 || lab_die "pdnsutil add-zone-key failed"
  "${util[@]}" set-nsec3 gamma. '1 0 0 -' >/dev/null 2>&1 || lab_die "pdnsutil set-nsec3 failed"
  "${util[@]}" rectify-zone gamma. >/dev/null 2>&1
  "${util[@]}" export-zone-ds gamma. 2>/dev/null | awk '$3 == "DS" && $5 == 15 && $6 == 2 {print $1, $2, $3, $4, $5, $6, $7}' \
    >>"$LAB_DIR/ds/root.ds"
  pdns_server --config-dir="$dir" >"$dir/log" 2>&1 &
  remember pdns_server $!
}

start_responders() {
  local dir="$LAB_DIR/run/responders"
  mkdir -p "$dir"
  python3 "$LAB_SRC/responder.py" --address "$(addresses_of slow)" --delay 0.3 \
    --zone "$LAB_DIR/signed/slow.beta.zone" --origin slow.beta. >"$dir/slow.log" 2>&1 &
  remember slow-responder $!
  python3 "$LAB_SRC/responder.py" --address "$(addresses_of spoof)" --spoof \
    --zone "$LAB_DIR/signed/spoof.beta.zone" --origin spoof.beta. >"$dir/spoof.log" 2>&1 &
  remember spoof-responder $!
  python3 "$LAB_SRC/responder.py" --address "$LAB_DEAD" --silent >"$dir/dead.log" 2>&1 &
  remember silent-responder $!
  "$(lab_binary checksum/redoubt-checksum-proxy)" --listen "$LAB_CHECKSUM_FRONT" \
    --upstream "$(zone_address sum.beta.)" >"$dir/checksum.log" 2>&1 &
  remember checksum-proxy $!
}

wait_for() {  # wait_for ADDRESS ZONE: up to 20 s for an SOA answer
  local i
  for i in $(seq 1 100); do
    dig +time=1 +tries=1 +norec +short @"$1" "$2" SOA 2>/dev/null | grep -q . && return 0
    sleep 0.2
  done
  return 1
}

stop_all() {
  local name pid
  if [ -f "$LAB_DIR/pids" ]; then
    while read -r name pid; do kill "$pid" 2>/dev/null; done <"$LAB_DIR/pids"
    sleep 0.5
    while read -r name pid; do kill -9 "$pid" 2>/dev/null; done <"$LAB_DIR/pids"
    rm -f "$LAB_DIR/pids"
  fi
  # Anything a crashed earlier run left behind: every lab process names $LAB_DIR or $LAB_SRC.
  pkill -f -- "$LAB_DIR/run/" 2>/dev/null
  pkill -f -- "$LAB_SRC/responder.py" 2>/dev/null
  pkill -f -- "redoubt-checksum-proxy --listen $LAB_CHECKSUM_FRONT" 2>/dev/null
  remove_addresses
  return 0
}
