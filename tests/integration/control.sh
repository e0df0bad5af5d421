#!/usr/bin/env bash
# The control channel (docs/control.md, redoubt-control(8)) against a running redoubt that
# forwards ctl.test to a real NSD, all on loopback (127.65.0.0/24):
#   redoubt 127.65.0.1:53, control socket in the work directory; NSD 127.65.0.100:53.
# Checks, each "ok - ..." or "not ok - ...":
#   1. with no daemon: exit 3 and a message that says so; a usage error is exit 2;
#   2. the socket is mode 0660; status says running with the configured listen address;
#   3. stats (and --json) count exactly the client queries sent;
#   4. dump-cache holds the resolved names; flush NAME removes that name only, and the next
#      query for it goes upstream again (the upstream counter grows) while the others do not;
#   5. flush-negative removes the NXDOMAIN and keeps the answers; flush-zone and flush-all empty it;
#   6. forward-zones and trust-anchors list the configuration; mirror-refresh of an unmirrored
#      zone is refused with exit 1; a caller without permission on the socket gets exit 3;
#   7. every command is logged with the caller's uid; the socket is gone after SIGTERM;
#   8. negative trust anchors at run time (RFC 7646): bad.test cannot be validated (its root is
#      unreachable) and gets SERVFAIL; `nta add bad.test 4s` makes it answer (no AD) at once,
#      `nta list` shows it, and when the lifetime ends it is SERVFAIL again (the log says so);
#      one added for an hour survives a restart (kept beside the cache) and `nta remove` ends it.
#   9. RFC 8145 key tag query: the DNSKEY query for the root that validating bad.test causes goes
#      to the root server (a silent recorder on 127.65.0.9) together with `_ta-4f66-9728.` NULL,
#      the built-in root anchors' key tags (KSK-2017 20326, KSK-2024 38696).
# Runs as root (ip addr, port 53, setpriv). Ends with "control: N passed, M failed".
# CONTROL_KEEP=1 keeps the work directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
ctl=${REDOUBT_CONTROL_BIN:-$(dirname "$bin")/redoubt-control}
R=127.65.0.1 AUTH=127.65.0.100
work=$(mktemp -d /tmp/redoubt-control.XXXXXX)
chmod 755 "$work"
sock=$work/control.sock
passed=0 failed=0 added=() redoubt_pid= auth_pid= root_pid=
source "$here/lib/harness.sh"
source "$here/lib/nsd.sh"

cleanup() {
  stop "$redoubt_pid"; stop "$auth_pid"; stop "$root_pid"
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  if [ "${CONTROL_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() { echo "control: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

start_auth() {
  local d=$work/nsd; mkdir -p "$d"
  printf '$TTL 3600\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A %s\n%s\n' "$AUTH" \
    'a A 192.0.2.1
b A 192.0.2.2
c A 192.0.2.3' >"$d/ctl.test.zone"
  printf '$TTL 3600\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A %s\nwww A 192.0.2.9\n' "$AUTH" \
    >"$d/bad.test.zone"
  nsd_serve "$d" "$AUTH" ctl.test bad.test; local rc=$?; auth_pid=$nsd_pid; return $rc
}

start_redoubt() {
  printf '. 3600000 NS a.root.invalid.\na.root.invalid. 3600000 A 127.65.0.9\n' >"$work/root.hints"
  cat >"$work/redoubt.yaml" <<EOF
listen: ["$R:53"]
workers: 2
root-hints: $work/root.hints
allow-loopback-upstreams: true
negative-trust-anchors: [ctl.test]
cache: {directory: $work/cache}
control: {socket: $sock}
forward-zones:
  - {name: ctl.test, servers: ["$AUTH"]}
  - {name: bad.test, servers: ["$AUTH"]}
limits: {deadline-ms: 1500}
EOF
  local before; before=$(grep -c "control channel on" "$work/redoubt.log" 2>/dev/null)
  "$bin" -c "$work/redoubt.yaml" >>"$work/redoubt.log" 2>&1 &
  redoubt_pid=$!
  local _; for _ in $(seq 1 100); do
    [ "$(grep -c "control channel on" "$work/redoubt.log")" -gt "${before:-0}" ] && return 0
    sleep 0.1
  done
  tail -5 "$work/redoubt.log"; return 1
}

# A root server that answers only the priming query (the root hints' 127.65.0.9) and writes "qname qtype" of
# each query it gets to $work/root-queries, lowercased (0x20); it stops by itself after 120 s.
# The file appears once the socket is bound.
record_root() {
  python3 - "$work/root-queries" <<'EOF_RECORDER' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.65.0.9", 53))
s.settimeout(1)
end = time.time() + 120

def priming_reply(query, question_end):  # ". NS a.root.invalid." with its address 127.65.0.9.
    target = b"\x01a\x04root\x07invalid\x00"
    ns = b"\x00\x00\x02\x00\x01" + (3600000).to_bytes(4, "big") + len(target).to_bytes(2, "big") + target
    glue = target + b"\x00\x01\x00\x01" + (3600000).to_bytes(4, "big") + b"\x00\x04" + bytes([127, 65, 0, 9])
    header = query[:2] + bytes([0x84 | (query[2] & 0x01), 0, 0, 1, 0, 1, 0, 0, 0, 1])
    return header + query[12:question_end] + ns + glue

with open(sys.argv[1], "a") as out:
    while time.time() < end:
        try:
            data, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        labels, i = [], 12
        while i < len(data) and data[i] != 0 and len(labels) < 128:
            labels.append(data[i + 1:i + 1 + data[i]].decode("ascii", "replace"))
            i += data[i] + 1
        qtype = int.from_bytes(data[i + 1:i + 3], "big") if i + 3 <= len(data) else -1
        out.write(".".join(labels).lower() + ". " + str(qtype) + "\n")
        out.flush()
        if qtype == 2 and not labels:  # Priming (RFC 8109) succeeds, so the DNSKEY query follows.
            s.sendto(priming_reply(data, i + 5), peer)
EOF_RECORDER
  root_pid=$!
  local _; for _ in $(seq 1 50); do [ -e "$work/root-queries" ] && return 0; sleep 0.1; done  # Bound.
  return 1
}

# rc_of CMD...: the exit status of a command, its output thrown away.
rc_of() { "$@" >/dev/null 2>&1; echo $?; }
# One stats sample's value (text form: "metric value" lines).
stat_of() { "$ctl" -s "$sock" stats | awk -v m="$1" '$1 == m {print $2}' | head -1; }
ask() { dig +tries=1 +time=3 @"$R" "$@"; }
# exited_saying RC TEXT: the last command's status ($rc) was RC and its output ($out) holds TEXT.
exited_saying() { [ "$rc" = "$1" ] && grep -q "$2" <<<"$out"; }

# 1. Before the daemon runs.
out=$("$ctl" -s "$sock" status 2>&1); rc=$?
check "1. no daemon: exit 3" [ "$rc" = 3 ]
check "1. no daemon: the message says it cannot reach redoubt" grep -q "cannot reach redoubt at $sock" <<<"$out"
check "1. an unknown command is a usage error (exit 2)" [ "$(rc_of "$ctl" -s "$sock" flsh)" = 2 ]
check "1. flush without a name is a usage error (exit 2)" [ "$(rc_of "$ctl" -s "$sock" flush)" = 2 ]

for a in $R $AUTH; do add_address "$a" || { not_ok "address $a"; finish; }; done
start_auth || { not_ok "NSD on $AUTH"; finish; }
start_redoubt || { not_ok "redoubt with a control socket"; finish; }

# 2. The socket and status.
check "2. the socket is mode 0660" [ "$(stat -c %a "$sock")" = 660 ]
status=$("$ctl" -s "$sock" status); rc=$?
check "2. status: exit 0" [ "$rc" = 0 ]
check "2. status says running" grep -q "redoubt is running" <<<"$status"
check "2. status names the listen address" grep -q "$R:53" <<<"$status"
json=$("$ctl" -s "$sock" --json status)
check "2. status --json is a JSON object with ok=true and the pid" python3 -c '
import json, sys
r = json.loads(sys.argv[1]); item = r["items"][0]
sys.exit(0 if r["ok"] is True and item["pid"] == int(sys.argv[2]) else 1)' "$json" "$redoubt_pid"

# 3. Stats count what was sent: 10 RD=0 queries (REFUSED, no upstream needed).
before=$(stat_of 'redoubt_queries_total{transport="udp"}')
for i in $(seq 1 10); do dig +norec +tries=1 +time=2 @"$R" "n$i.example." A >/dev/null; done
after=$(stat_of 'redoubt_queries_total{transport="udp"}')
check "3. stats: udp queries grew by exactly 10 (${before:-none} -> ${after:-none})" \
  [ "$(( ${after:-0} - ${before:--100} ))" = 10 ]
json=$("$ctl" -s "$sock" --json stats)
check "3. stats --json holds the same counter" python3 -c '
import json, sys
r = json.loads(sys.argv[1])
v = [i["value"] for i in r["items"] if i["metric"] == "redoubt_queries_total{transport=\"udp\"}"]
sys.exit(0 if v and int(v[0]) == int(sys.argv[2]) else 1)' "$json" "$after"

# 4. Cached names, flush NAME.
for n in a b c; do ask "$n.ctl.test." A >/dev/null; done
nx=$(ask nope.ctl.test. A)
check "4. the names resolve through NSD (a NXDOMAIN too)" [ "$(status_of "$nx")" = NXDOMAIN ]
dump=$("$ctl" -s "$sock" dump-cache)
check "4. dump-cache holds a.ctl.test with its address" grep -qE '^a\.ctl\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.1' <<<"$dump"
check "4. dump-cache names the NXDOMAIN" grep -q "^; nope.ctl.test. NXDOMAIN" <<<"$dump"
up_before=$(stat_of 'redoubt_upstream_queries_total{transport="udp"}')
ask b.ctl.test. A >/dev/null
check "4. a cached name does not go upstream" [ "$(stat_of 'redoubt_upstream_queries_total{transport="udp"}')" = "$up_before" ]
out=$("$ctl" -s "$sock" flush a.ctl.test); rc=$?
check "4. flush a.ctl.test: exit 0 and one entry removed (${out%%$'\n'*})" exited_saying 0 "flushed 1 cache entries"
dump=$("$ctl" -s "$sock" dump-cache)
check "4. after flush: a.ctl.test is gone from the dump" bash -c '! grep -q "^a\.ctl\.test\." <<<"$1"' _ "$dump"
check "4. after flush: b.ctl.test is still there" grep -q '^b\.ctl\.test\.' <<<"$dump"
answer=$(ask a.ctl.test. A)
check "4. after flush: a.ctl.test still answers" [ "$(answers_of "$answer")" = 192.0.2.1 ]
up_after=$(stat_of 'redoubt_upstream_queries_total{transport="udp"}')
check "4. after flush: a.ctl.test went upstream again ($up_before -> $up_after)" [ "$up_after" -gt "$up_before" ]

# 5. flush-negative, flush-zone, flush-all.
out=$("$ctl" -s "$sock" flush-negative)
dump=$("$ctl" -s "$sock" dump-cache)
check "5. flush-negative: the NXDOMAIN is gone (${out%%$'\n'*})" bash -c '! grep -q "NXDOMAIN" <<<"$1"' _ "$dump"
check "5. flush-negative: the answers stay" grep -q '^c\.ctl\.test\.' <<<"$dump"
out=$("$ctl" -s "$sock" flush-zone ctl.test)
dump=$("$ctl" -s "$sock" dump-cache)
check "5. flush-zone ctl.test: nothing of ctl.test is left (${out%%$'\n'*})" bash -c '! grep -q "ctl\.test\." <<<"$1"' _ "$dump"
ask a.ctl.test. A >/dev/null
out=$("$ctl" -s "$sock" --json flush-all)
check "5. flush-all --json reports at least one entry removed" python3 -c '
import json, sys
r = json.loads(sys.argv[1]); sys.exit(0 if r["ok"] and r["items"][0]["entries_removed"] >= 1 else 1)' "$out"
check "5. after flush-all the dump says 0 live entries" grep -q "; 0 live cache entries" <<<"$("$ctl" -s "$sock" dump-cache)"

# 6. Listings, refusals, permissions.
out=$("$ctl" -s "$sock" forward-zones)
check "6. forward-zones lists ctl.test with its server" grep -q "ctl.test.*$AUTH" <<<"$out"
out=$("$ctl" -s "$sock" trust-anchors)
check "6. trust-anchors lists the root KSK 20326" grep -q "20326" <<<"$out"
check "6. trust-anchors lists the negative anchor ctl.test" grep -q "ctl.test" <<<"$out"
out=$("$ctl" -s "$sock" mirror-refresh ctl.test 2>&1); rc=$?
check "6. mirror-refresh without mirror-zones: exit 1 with the reason" exited_saying 1 "no mirror-zones"
if command -v setpriv >/dev/null; then
  rc=$(rc_of setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" -s "$sock" status)
  check "6. a user outside the socket's group gets exit 3 (permission denied)" [ "$rc" = 3 ]
fi

# 7. The log and shutdown.
check "7. the log names each command and the caller's uid" grep -q "control: flush a.ctl.test. from uid 0" "$work/redoubt.log"
kill -TERM "$redoubt_pid"; wait "$redoubt_pid" 2>/dev/null; redoubt_pid=
check "7. the socket is removed at shutdown" [ ! -e "$sock" ]
check "7. after shutdown: exit 3" [ "$(rc_of "$ctl" -s "$sock" status)" = 3 ]

# 8. Negative trust anchors added at run time.
record_root || not_ok "9. the root recorder listens on 127.65.0.9:53"
start_redoubt || { not_ok "8. redoubt restarted"; finish; }
r=$(ask www.bad.test. A)
check "8. bad.test cannot be validated: SERVFAIL ($(status_of "$r"))" [ "$(status_of "$r")" = SERVFAIL ]
out=$("$ctl" -s "$sock" nta add bad.test 4s); rc=$?
check "8. nta add bad.test 4s: exit 0 (${out%%$'\n'*})" exited_saying 0 "bad.test. is not validated for 4 s"
r=$(ask www.bad.test. A)
check "8. under the NTA it answers at once, without AD" \
  bash -c '[ "$1" = 192.0.2.9 ] && ! grep -q "flags:.* ad" <<<"$2"' _ "$(answers_of "$r")" "$r"
check "8. nta list shows it" grep -q "^bad.test\." <<<"$("$ctl" -s "$sock" nta list)"
check "8. trust-anchors shows it beside the configured one" grep -q "bad.test.*nta-add" <<<"$("$ctl" -s "$sock" trust-anchors)"
sleep 5
r=$(ask www.bad.test. A)
check "8. after its lifetime bad.test is SERVFAIL again ($(status_of "$r"))" [ "$(status_of "$r")" = SERVFAIL ]
check "8. the log says it expired" grep -q "negative trust anchor bad.test. expired" "$work/redoubt.log"
check "8. nta list is empty again" grep -q "^0 negative trust anchors" <<<"$("$ctl" -s "$sock" nta list)"
"$ctl" -s "$sock" nta add bad.test 1h >/dev/null
kill -TERM "$redoubt_pid"; wait "$redoubt_pid" 2>/dev/null; redoubt_pid=
start_redoubt || { not_ok "8. redoubt restarted with an NTA in force"; finish; }
r=$(ask www.bad.test. A)
check "8. after a restart the hour-long NTA still holds" [ "$(answers_of "$r")" = 192.0.2.9 ]
check "8. the restart says an NTA is in force" grep -q "1 negative trust anchors added with nta-add are still in force" "$work/redoubt.log"
out=$("$ctl" -s "$sock" nta remove bad.test); rc=$?
check "8. nta remove: exit 0" exited_saying 0 "bad.test. is validated again"
r=$(ask www.bad.test. A)
check "8. after nta remove: SERVFAIL again" [ "$(status_of "$r")" = SERVFAIL ]
out=$("$ctl" -s "$sock" nta remove bad.test 2>&1); rc=$?
check "8. nta remove of an absent NTA: exit 1" exited_saying 1 "has no negative trust anchor"

# 9. RFC 8145, as the root server saw it (the DNSKEY query comes once priming gave up: wait).
for _ in $(seq 1 50); do grep -q '^_ta-' "$work/root-queries" 2>/dev/null && break; sleep 0.1; done
check "9. the root server was asked for its DNSKEY set" grep -q '^\. 48$' "$work/root-queries"
check "9. and got the key tag query _ta-4f66-9728. NULL beside it" grep -q '^_ta-4f66-9728\. 10$' "$work/root-queries"
finish
