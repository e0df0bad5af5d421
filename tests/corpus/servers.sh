# Part 2 of the corpus (sourced by run.sh): real responses from nsd and knot on loopback.
# Each server serves one signed zone on 127.0.0.1 with a port of its own. For every owner/type in
# the zone plus names that do not exist, redoubt-wire (redoubt's builder and parser) and dig ask
# the same question; the answer and authority sections must hold the same records, and
# redoubt-wire itself checks that re-encoding the reply and parsing it again changes nothing.

start_nsd() {  # start_nsd ZONEFILE PORT DIR
  local zone=$1 port=$2 dir=$3
  mkdir -p "$dir"
  cp "$zone" "$dir/zone"
  cat >"$dir/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$port
  username: ""
  chroot: ""
  zonesdir: "$dir"
  database: ""
  pidfile: "$dir/nsd.pid"
  xfrdfile: "$dir/xfrd.state"
  zonelistfile: "$dir/zone.list"
  hide-version: yes
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: "$origin"
  zonefile: "$dir/zone"
CONF
  nsd -d -c "$dir/nsd.conf" >"$dir/log" 2>&1 &
  pids+=($!)
}

start_knot() {  # start_knot ZONEFILE PORT DIR
  local zone=$1 port=$2 dir=$3
  mkdir -p "$dir/storage"
  cp "$zone" "$dir/zone"
  cat >"$dir/knot.conf" <<CONF
server:
  rundir: "$dir"
  listen: 127.0.0.1@$port
database:
  storage: "$dir/storage"
log:
  - target: stderr
    any: warning
zone:
  - domain: $origin
    file: "$dir/zone"
    storage: "$dir/storage"
    journal-content: none
    zonefile-sync: -1
CONF
  knotd -c "$dir/knot.conf" >"$dir/log" 2>&1 &
  pids+=($!)
}

wait_for_server() {  # wait_for_server PORT: up to 10 s for an SOA answer
  local port=$1 i
  for i in $(seq 1 50); do
    dig +time=1 +tries=1 +short -p "$port" @127.0.0.1 "$origin" SOA 2>/dev/null | grep -q . && return 0
    sleep 0.2
  done
  return 1
}

# Questions: every owner/type pair of the zone, plus non-existent names and types.
questions() {  # questions ZONEFILE
  "$zone_tool" --origin "$origin" "$1" 2>/dev/null | awk '{print $1, $4}' | LC_ALL=C sort -u
  printf '%s\n' "nx.$origin A" "a.b.wild.$origin TXT" "zz.wild.$origin A" "web.$origin MX" \
    "ent.below.$origin A" "below.$origin TXT" "x.sub.$origin A" "www.$origin AAAA" \
    "x.old.$origin A" "mixed.case.$origin A" "$origin DNSKEY" "$origin NSEC3PARAM" "$origin ANY"
}

ask_both() {  # ask_both PORT SERVER_NAME QNAME QTYPE
  local port=$1 server=$2 qname=$3 qtype=$4 out="$work/q"
  if ! "$wire_tool" "127.0.0.1:$port" "$qname" "$qtype" --dnssec --sections answer,authority \
      >"$out.redoubt" 2>"$out.err"; then
    fail "$server $qname $qtype: redoubt-wire: $(head -1 "$out.err")"; return
  fi
  dig +dnssec +norec +noall +answer +authority +time=2 +tries=2 -p "$port" @127.0.0.1 \
    "$qname" "$qtype" >"$out.dig" 2>/dev/null
  # Both renderings are normalised by the same third-party parser before comparing.
  ldns-read-zone "$out.redoubt" 2>/dev/null | norm >"$out.a"
  ldns-read-zone "$out.dig" 2>/dev/null | norm >"$out.b"
  if cmp -s "$out.a" "$out.b" && [ -s "$out.b" ]; then
    pass "$server $qname $qtype ($(wc -l <"$out.a") records)"
  else
    fail "$server $qname $qtype"; diff "$out.a" "$out.b" | head -6
  fi
}

check_servers() {  # check_servers NSD_ZONE KNOT_ZONE
  local nsd_zone=$1 knot_zone=$2
  if [ ! -x "$wire_tool" ]; then fail "redoubt-wire is missing"; return; fi
  start_nsd "$nsd_zone" 5391 "$work/nsd"
  start_knot "$knot_zone" 5392 "$work/knot"
  local port server zone
  for spec in "5391 nsd $nsd_zone" "5392 knot $knot_zone"; do
    read -r port server zone <<<"$spec"
    if ! wait_for_server "$port"; then
      fail "$server did not start"; tail -5 "$work/$server/log"; continue
    fi
    while read -r qname qtype; do
      [ -n "$qname" ] && ask_both "$port" "$server" "$qname" "$qtype"
    done < <(questions "$zone")
  done
}
