# NSD as a plain authoritative server for the integration tests: one address, port 53, no
# remote control, no privilege switch, everything under one directory. Sourced.
#
# nsd_serve DIR ADDRESS ZONE...: serves each ZONE from DIR/ZONE.zone (zone without the final
# dot; the root, ".", from DIR/root.zone), waits until the first answers its SOA (5 s at most)
# and sets nsd_pid. Returns 1 with NSD's last lines when it does not come up.
nsd_serve() {
  local dir=$1 address=$2 zone; shift 2
  {
    cat <<CONF
server:
  ip-address: $address
  port: 53
  zonesdir: "$dir"
  pidfile: "$dir/nsd.pid"
  xfrdfile: "$dir/xfrd.state"
  zonelistfile: "$dir/zone.list"
  database: ""
  username: ""
  chroot: ""
  logfile: "$dir/nsd.log"
remote-control:
  control-enable: no
CONF
    for zone in "$@"; do
      if [ "$zone" = . ]; then printf 'zone:\n  name: .\n  zonefile: root.zone\n'
      else printf 'zone:\n  name: %s.\n  zonefile: %s.zone\n' "$zone" "$zone"; fi
    done
  } >"$dir/nsd.conf"
  nsd -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
  nsd_pid=$!
  local _; for _ in $(seq 1 50); do
    dig +short +time=1 +tries=1 @"$address" "${1%.}." SOA 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  echo "# nsd did not start: $(tail -5 "$dir/nsd.out" "$dir/nsd.log" 2>/dev/null)"
  return 1
}
