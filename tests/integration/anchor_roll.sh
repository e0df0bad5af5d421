#!/usr/bin/env bash
# RFC 5011 automated trust anchor rollover (managed-trust-anchors: hold-down timers, REVOKE)
# against a real NSD serving a private signed root zone, all on loopback (127.67.0.0/24):
#   redoubt 127.67.0.1:53 (no cache; builtin-root-anchor left on: the managed root.key replaces
#   the built-in root anchors), control socket in the work
#   directory; NSD 127.67.0.9:53 serves ".", whose probe.lab. TXT "roll" is the question asked.
# Keys (BIND's dnssec-keygen): KSK A, KSK B, ZSK Z, and A revoked (dnssec-revoke: flags 385).
# root.key holds A's DNSKEY; redoubt keeps the RFC 5011 state in root.key.state, kept across
# each restart. The clock moves forward with libfaketime (LD_PRELOAD, wall clock only: libuv's
# monotonic timers are left alone); every signature is valid from a day ago for 90 days, so
# it still is 31 days on. Checks, each "ok - ..." or "not ok - ...":
#   0. the keys and the phases' zones are what the phases need (dnssec-verify, who signs the
#      DNSKEY set), NSD serves each phase's zone;
#   1. t0, DNSKEY set {A, Z} signed by A: root.key.state is written, A Valid (trusted, not
#      commented out); probe.lab. TXT is NOERROR with AD; trust-anchors lists A Valid;
#   2. t0, {A, B, Z} signed by A and B: B AddPend (a ";; " line), A Valid; probe AD;
#   3. t0, the same set signed by B alone: SERVFAIL (B is not trusted before its hold-down);
#      B still AddPend with the same first-seen (the hold-down did not restart), A Valid;
#   4. +31 days (the add hold-down is 30), signed by A and B: B Valid; then signed by B alone:
#      AD in the same run once the keys validated under A have expired (DNSKEY TTL 5 s: the
#      anchors were swapped live) and after a restart;
#   5. +31 days, {A revoked, B, Z} signed by A revoked and B: A Revoked (commented out), B Valid;
#      probe AD;
#   6. +31 days, phase 1's signed zone served again (a replay, signed by the unrevoked A, with
#      an older inception): SERVFAIL, and no key's line in the state file changes; then the
#      B-alone zone of phase 4 (valid under B, but signed before phase 5's zone): AD, and still
#      neither the key lines nor the trust point's last-inception change (a replay refused);
#   7. redoubt-control trust-anchors lists B Valid and A Revoked; stats counts the refreshes
#      (refused in phases 3 and 6, validated with one swap in phase 5).
# RRSIG inceptions grow from phase to phase (redoubt refuses an observation signed before the
# last one it accepted), except phase 6's, which are meant to be old ones.
# Runs as root (ip addr, port 53). Ends with "anchor-roll: N passed, M failed".
# ANCHOR_ROLL_KEEP=1 keeps the work directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${REDOUBT_BIN:-$root/build/resolver/redoubt}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
ctl=${REDOUBT_CONTROL_BIN:-$(dirname "$bin")/redoubt-control}
R=127.67.0.1 NS=127.67.0.9
work=$(mktemp -d /tmp/redoubt-anchor-roll.XXXXXX)
chmod 755 "$work"
sock=$work/control.sock
log=$work/redoubt.log
state=$work/root.key.state
passed=0 failed=0 added=() redoubt_pid= nsd_pid=
source "$here/lib/harness.sh"
source "$here/lib/nsd.sh"

cleanup() {
  stop "$redoubt_pid"; stop "$nsd_pid"
  local a; for a in "${added[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done
  if [ "${ANCHOR_ROLL_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() { echo "anchor-roll: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# libfaketime is preloaded directly rather than through the faketime command, which runs the
# program as its child and does not pass SIGTERM on: stop would leave redoubt running.
faketime_lib=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketimeMT\.so\.1$' | head -1)
[ -n "$faketime_lib" ] || faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
if [ ! -r "$faketime_lib" ] || ! command -v faketime >/dev/null; then
  not_ok "libfaketime is installed (package faketime)"; finish
fi

# fake_env OFFSET: sets `fake` to the environment (for env) that puts a program's wall clock
# OFFSET ahead.
fake_env() {
  fake=(LD_PRELOAD="$faketime_lib" FAKETIME="$1" FAKETIME_DONT_FAKE_MONOTONIC=1
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0")
}
fake_env +31d
ahead=$(( $(env "${fake[@]}" date +%s) - $(date +%s) ))
check "0. libfaketime puts the wall clock 31 days ahead ($ahead s)" [ $(((ahead + 30) / 60)) = $((31 * 1440)) ]

utc() { date -u -d "$1" +%Y%m%d%H%M%S; }
t0=$(date +%s)
expires=$(utc "@$((t0 + 90 * 86400))")
# inception N: a day before t0 plus N minutes, so that each phase's signatures are newer.
inception() { utc "@$((t0 - 86400 + $1 * 60))"; }

# --- Keys and zones ----------------------------------------------------------------------
keys=$work/keys zones=$work/zones
mkdir -p "$keys" "$zones" "$work/nsd" "$work/cache"
# DNSKEY TTL 5 s: the validator remembers a zone's validated keys for their TTL (per worker,
# whatever the cache setting), so a few seconds after the zone changes it fetches them again.
key_ttl=5
keygen() { dnssec-keygen -q -K "$keys" -a ECDSAP256SHA256 -L "$key_ttl" "$@" .; }
tag_of() { local t=${1##*+}; echo $((10#$t)); }  # K.+013+01234 -> 1234
A=$(keygen -f KSK) && B=$(keygen -f KSK) && Z=$(keygen) || { not_ok "0. dnssec-keygen made A, B and Z"; finish; }
mkdir -p "$work/keys-original" && cp "$keys/$A".* "$work/keys-original/"  # A as it was, whatever dnssec-revoke does
Ar=$(dnssec-revoke -K "$keys" "$A") || { not_ok "0. dnssec-revoke A"; finish; }
Ar=$(basename "$Ar")
tagA=$(tag_of "$A") tagB=$(tag_of "$B") tagZ=$(tag_of "$Z") tagAr=$(tag_of "$Ar")
echo "# keys: A $tagA (revoked: $tagAr), B $tagB, Z $tagZ"
dnskey_of() { grep -v '^;' "$keys/$1.key"; }
# same_key_flags RECORD-A RECORD-B FLAGS-A FLAGS-B: two DNSKEY records, the same key, those flags.
same_key_flags() {
  [ "$(awk '{print $5}' <<<"$1")/$(awk '{print $5}' <<<"$2")" = "$3/$4" ] &&
    [ "$(cut -d' ' -f6- <<<"$1")" = "$(cut -d' ' -f6- <<<"$2")" ]
}
check "0. A is a KSK (flags 257); revoked, the same key with flags 385" \
  same_key_flags "$(grep -v '^;' "$work/keys-original/$A.key")" "$(dnskey_of "$Ar")" 257 385
check "0. revoking A changed its key tag ($tagA -> $tagAr)" [ "$tagA" != "$tagAr" ]
dnskey_of "$A" >"$work/root.key"

# sign_zone NAME SERIAL-AND-INCEPTION PUBLISHED-KEY... -- DNSKEY-SIGNER...: zones/NAME.zone,
# the root with the published keys' DNSKEY records, its DNSKEY set signed by the signers only
# (-x: not by Z), everything else by Z.
sign_zone() {
  local name=$1 n=$2 pub=() ksk=() k; shift 2
  while [ "$1" != -- ]; do pub+=("$1"); shift; done; shift
  for k in "$@"; do ksk+=(-k "$k"); done
  {
    cat <<EOF
\$TTL 60
. SOA a.root.lab. hostmaster.root.lab. $n 3600 600 86400 60
. NS a.root.lab.
a.root.lab. A $NS
probe.lab. TXT "roll"
EOF
    for k in "${pub[@]}"; do dnskey_of "$k"; done
  } >"$zones/$name.in"
  dnssec-signzone -q -x -o . -O full -K "$keys" -s "$(inception "$n")" -e "$expires" \
    -d "$zones" -f "$zones/$name.zone" "${ksk[@]}" "$zones/$name.in" "$Z" >/dev/null
}
# zone_signers FILE: the key tags of the RRSIGs over the DNSKEY set, ascending, on one line.
zone_signers() { awk '$4 == "RRSIG" && $5 == "DNSKEY" {print $11}' "$1" | sort -n | tr '\n' ' ' | sed 's/ $//'; }
zone_flags() { awk '$4 == "DNSKEY" {print $5}' "$1" | sort -n | tr '\n' ' ' | sed 's/ $//'; }
sorted() { printf '%s\n' "$@" | sort -n | tr '\n' ' ' | sed 's/ $//'; }

sign_zone p1 1 "$A" "$Z" -- "$A"               # phase 1 (and 6, replayed)
sign_zone p2 2 "$A" "$B" "$Z" -- "$A" "$B"     # phase 2
sign_zone p3 3 "$A" "$B" "$Z" -- "$B"          # phase 3
sign_zone p4 4 "$A" "$B" "$Z" -- "$A" "$B"     # phase 4, then
sign_zone p4b 5 "$A" "$B" "$Z" -- "$B"         # B alone, after B's hold-down
sign_zone p5 6 "$Ar" "$B" "$Z" -- "$Ar" "$B"   # phase 5: A revoked
for z in p1 p2 p3 p4 p4b p5; do
  check "0. zone $z: dnssec-verify accepts it" dnssec-verify -q -x -o . "$zones/$z.zone"
done
check "0. p1: DNSKEY flags 256 257, signed by A" [ "$(zone_flags "$zones/p1.zone")/$(zone_signers "$zones/p1.zone")" = "256 257/$tagA" ]
check "0. p2 and p4: DNSKEY flags 256 257 257, signed by A and B" bash -c \
  '[ "$1" = "$2" ] && [ "$1" = "$3" ]' _ "$(zone_flags "$zones/p2.zone")/$(zone_signers "$zones/p2.zone")" \
  "$(zone_flags "$zones/p4.zone")/$(zone_signers "$zones/p4.zone")" "256 257 257/$(sorted "$tagA" "$tagB")"
check "0. p3 and p4b: DNSKEY flags 256 257 257, signed by B alone" bash -c \
  '[ "$1" = "$2" ] && [ "$1" = "$3" ]' _ "$(zone_flags "$zones/p3.zone")/$(zone_signers "$zones/p3.zone")" \
  "$(zone_flags "$zones/p4b.zone")/$(zone_signers "$zones/p4b.zone")" "256 257 257/$tagB"
check "0. p5: DNSKEY flags 256 257 385, signed by revoked A and B" \
  [ "$(zone_flags "$zones/p5.zone")/$(zone_signers "$zones/p5.zone")" = "256 257 385/$(sorted "$tagAr" "$tagB")" ]
check "0. the DNSKEY RRSIG inceptions grow p1 < p2 < p3 < p4 < p4b < p5" bash -c '
  prev=0; for f in "$@"; do
    i=$(awk '\''$4 == "RRSIG" && $5 == "DNSKEY" {print $10; exit}'\'' "$f"); [ "$i" -gt "$prev" ] || exit 1; prev=$i
  done' _ "$zones"/{p1,p2,p3,p4,p4b,p5}.zone

# --- Servers -----------------------------------------------------------------------------
for a in $R $NS; do add_address "$a" || { not_ok "address $a"; finish; }; done

# serve ZONE SIGNERS: NSD (re)started with zones/ZONE.zone as the root; checks that it answers
# the DNSKEY set with the RRSIGs of SIGNERS (key tags, ascending).
serve() {
  stop "$nsd_pid"; nsd_pid=
  cp "$zones/$1.zone" "$work/nsd/root.zone"
  nsd_serve "$work/nsd" "$NS" . || { not_ok "NSD serves $1 on $NS"; return 1; }
  local got
  got=$(dig +norec +dnssec +tries=1 +time=2 @"$NS" . DNSKEY | awk '$4 == "RRSIG" && $5 == "DNSKEY" {print $11}' | sort -n | tr '\n' ' ')
  check "NSD serves $1: the DNSKEY set signed by ${2:-nothing}" [ "${got% }" = "$2" ]
}

printf '. 3600000 NS a.root.lab.\na.root.lab. 3600000 A %s\n' "$NS" >"$work/root.hints"
cat >"$work/redoubt.yaml" <<EOF
listen: ["$R:53"]
workers: 1
root-hints: $work/root.hints
allow-loopback-upstreams: true
managed-trust-anchors: [$work/root.key]
trust-anchor-signaling: false
bogus-ttl: 0
cache: {enabled: false, directory: $work/cache}
control: {socket: $sock}
log-level: debug
limits: {deadline-ms: 1500}
EOF

# start_redoubt [OFFSET]: starts redoubt, on a clock OFFSET ahead (such as +31d) when given;
# waits until it announces its control socket. On failure, its last lines, and returns 1.
start_redoubt() {
  local offset=${1:-} env=() _
  if [ -n "$offset" ]; then fake_env "$offset"; env=("${fake[@]}"); fi
  local before; before=$(grep -c "control channel on" "$log" 2>/dev/null)
  echo "# --- start, clock ${offset:-real}" >>"$log"
  env "${env[@]}" "$bin" -c "$work/redoubt.yaml" >>"$log" 2>&1 &
  redoubt_pid=$!
  for _ in $(seq 1 100); do
    [ "$(grep -c "control channel on" "$log")" -gt "${before:-0}" ] && return 0
    if ! kill -0 "$redoubt_pid" 2>/dev/null; then
      wait "$redoubt_pid" 2>/dev/null; echo "# redoubt exited with status $?"; redoubt_pid=; break
    fi
    sleep 0.1
  done
  tail -5 "$log" | sed 's/^/# /'; return 1
}
stop_redoubt() { stop "$redoubt_pid"; redoubt_pid=; }

probe() { dig +dnssec +tries=1 +time=5 @"$R" probe.lab. TXT; }
# secure DIG-OUTPUT: NOERROR, the AD flag and the TXT record.
secure() {
  [ "$(status_of "$1")" = NOERROR ] && grep -qE '^;; flags:[^;]* ad[ ;]' <<<"$1" && grep -q '"roll"' <<<"$(answers_of "$1")"
}
# The state file's key lines: "...; state=STATE tag=TAG ..."; TAGS is an ERE alternation
# (A revoked may be recorded by its old tag or its new one).
key_re() { printf 'state=%s tag=0*(%s)( |$)' "$1" "$2"; }
in_state() { grep -qE "$(key_re "$1" "$2")" "$state" 2>/dev/null; }
wait_state() { wait_for_line "$state" "$(key_re "$1" "$2")" 100; }
trusted() { grep -qE "^[^;].*DNSKEY.*; *$(key_re Valid "$1")" "$state" 2>/dev/null; }     # a live DNSKEY line
commented() { grep -qE "^;; .*DNSKEY.*$(key_re "$1" "$2")" "$state" 2>/dev/null; }       # a ";; " line
not_trusted() { [ -s "$state" ] && ! grep -qE "^[^;].*tag=0*($1)( |$)" "$state"; }
first_seen() { grep -E "tag=0*$1( |$)" "$state" 2>/dev/null | sed -n 's/.*first-seen=\([^ ]*\).*/\1/p' | head -1; }
key_lines() { grep -E 'state=[A-Za-z]+ tag=' "$state" 2>/dev/null; }
logged() { grep -i "managed trust anchor" "$log" | grep -qE "$1"; }
anchors() { "$ctl" -s "$sock" trust-anchors 2>&1; }
# listed TAGS WORD: a line of trust-anchors names one of TAGS and WORD.
listed() { grep -E "(^|[^0-9])0*($1)([^0-9]|$)" <<<"$out" | grep -q "$2"; }

# --- 1. t0: A alone ------------------------------------------------------------------------
serve p1 "$tagA" || finish
start_redoubt || { not_ok "1. redoubt starts with managed-trust-anchors: [root.key]"; finish; }
ok "1. redoubt starts with managed-trust-anchors: [root.key]"
check "1. root.key.state is written with A ($tagA) Valid" wait_state Valid "$tagA"
check "1. its header: '; redoubt-managed-keys v1' and the trust point ." \
  bash -c 'grep -q "^; redoubt-managed-keys v1" "$1" && grep -qE "^; trust-point \. last-refresh [0-9]+ last-inception [0-9]+" "$1"' _ "$state" 2>/dev/null
check "1. A is a trusted (uncommented) DNSKEY line" trusted "$tagA"
r=$(probe)
check "1. probe.lab. TXT: NOERROR with AD ($(status_of "$r"))" secure "$r"
check "1. the log has a 'managed trust anchor' line" grep -q "managed trust anchor" "$log"
out=$(anchors)
check "1. trust-anchors lists A Valid" listed "$tagA" Valid
stop_redoubt

# stat_of METRIC: its value in redoubt-control stats; refreshes RESULT: the RFC 5011 refreshes.
stat_of() { "$ctl" -s "$sock" stats | awk -v m="$1" '$1 == m {print $2}' | head -1; }
refreshes() { stat_of "redoubt_trust_anchor_refreshes_total{result=\"$1\"}"; }

# --- 2. t0: B published, A and B sign --------------------------------------------------------
serve p2 "$(sorted "$tagA" "$tagB")" || finish
start_redoubt || { not_ok "2. redoubt restarts"; finish; }
check "2. B ($tagB) becomes AddPend" wait_state AddPend "$tagB"
check "2. B's line is commented out (;; )" commented AddPend "$tagB"
check "2. A is still Valid and trusted" trusted "$tagA"
check "2. the log names B's AddPend" logged "$tagB.*AddPend"
r=$(probe)
check "2. probe: NOERROR with AD ($(status_of "$r"))" secure "$r"
seenB=$(first_seen "$tagB")
check "2. B has a first-seen (${seenB:-none})" [ -n "$seenB" ]
stop_redoubt

# --- 3. t0: B alone signs the DNSKEY set, before its hold-down -------------------------------
serve p3 "$tagB" || finish
start_redoubt || { not_ok "3. redoubt restarts"; finish; }
r=$(probe)
check "3. probe: SERVFAIL, B is not trusted yet ($(status_of "$r"))" [ "$(status_of "$r")" = SERVFAIL ]
sleep 2  # The start-up refresh has had its time.
check "3. B is still AddPend (state kept across the restart)" commented AddPend "$tagB"
same_first_seen() { [ -n "$seenB" ] && [ "$(first_seen "$tagB")" = "$seenB" ]; }
check "3. B's first-seen is unchanged (${seenB:-none} -> $(first_seen "$tagB"))" same_first_seen
check "3. B is not trusted" not_trusted "$tagB"
check "3. A is still Valid" trusted "$tagA"
check "3. the refresh is counted refused ($(refreshes refused))" [ "$(refreshes refused)" = 1 ]
stop_redoubt

# --- 4. +31 days: the add hold-down is over ------------------------------------------------
serve p4 "$(sorted "$tagA" "$tagB")" || finish
start_redoubt +31d || { not_ok "4. redoubt restarts 31 days on"; finish; }
check "4. B becomes Valid" wait_state Valid "$tagB"
check "4. B is a trusted (uncommented) DNSKEY line" trusted "$tagB"
check "4. A is still Valid" trusted "$tagA"
check "4. the log names B's move to Valid" logged "$tagB.*AddPend.*Valid"
r=$(probe)
check "4. probe: NOERROR with AD ($(status_of "$r"))" secure "$r"
serve p4b "$tagB" || finish
sleep $((key_ttl + 1))  # The keys validated under A and B are forgotten: B alone must do.
r=$(probe)
check "4. B alone signs, same run (anchors swapped live): NOERROR with AD ($(status_of "$r"))" secure "$r"
stop_redoubt
start_redoubt +31d || { not_ok "4. redoubt restarts with B alone signing"; finish; }
r=$(probe)
check "4. B alone signs, after a restart: NOERROR with AD ($(status_of "$r"))" secure "$r"
sleep 1
both_valid() { in_state Valid "$tagA" && in_state Valid "$tagB"; }
check "4. A and B are both Valid" both_valid
stop_redoubt

# --- 5. +31 days: A revoked ------------------------------------------------------------------
serve p5 "$(sorted "$tagAr" "$tagB")" || finish
start_redoubt +31d || { not_ok "5. redoubt restarts with A revoked"; finish; }
check "5. A becomes Revoked" wait_state Revoked "$tagA|$tagAr"
check "5. A's line is commented out (;; )" commented Revoked "$tagA|$tagAr"
check "5. A is no longer trusted" not_trusted "$tagA|$tagAr"
check "5. B is still Valid" trusted "$tagB"
check "5. the log names A's revocation" logged "($tagA|$tagAr).*Revoked"
r=$(probe)
check "5. probe: NOERROR with AD ($(status_of "$r"))" secure "$r"
counts="$(refreshes validated) $(refreshes refused) $(refreshes failed) $(stat_of redoubt_trust_anchor_swaps_total)"
check "5. one refresh validated, one swap of the anchors (validated refused failed swaps: $counts)" [ "$counts" = "1 0 0 1" ]
lines5=$(key_lines)
stop_redoubt

# --- 6. +31 days: phase 1's zone replayed -----------------------------------------------------
serve p1 "$tagA" || finish
start_redoubt +31d || { not_ok "6. redoubt restarts with the replayed zone"; finish; }
r=$(probe)
check "6. probe: SERVFAIL, A is no longer trusted ($(status_of "$r"))" [ "$(status_of "$r")" = SERVFAIL ]
sleep 2
check "6. A is still Revoked" in_state Revoked "$tagA|$tagAr"
check "6. B is still Valid" trusted "$tagB"
same_key_lines() { [ -n "$lines5" ] && [ "$(key_lines)" = "$lines5" ]; }
check "6. no key line of the state file changed" same_key_lines

# An older observation that does validate: p4b, signed by the trusted B before phase 5's
# signatures were made. It answers (B is trusted), but redoubt must not take it as a refresh.
stop_redoubt
inception_line() { grep '^; trust-point \. ' "$state" 2>/dev/null; }
header5=$(inception_line)
serve p4b "$tagB" || finish
start_redoubt +31d || { not_ok "6. redoubt restarts with an older zone signed by B"; finish; }
r=$(probe)
check "6. older zone signed by B: NOERROR with AD ($(status_of "$r"))" secure "$r"
sleep 2
check "6. older zone signed by B: no key line changed (not taken as a refresh)" same_key_lines
same_inception() { [ -n "$header5" ] && [ "$(inception_line | sed 's/.*last-inception //')" = "${header5##*last-inception }" ]; }
check "6. older zone signed by B: last-inception unchanged (${header5##*last-inception })" same_inception
check "6. older zone signed by B: the refresh is counted refused ($(refreshes refused))" [ "$(refreshes refused)" = 1 ]

# --- 7. redoubt-control ----------------------------------------------------------------------
out=$(anchors)
check "7. trust-anchors lists B Valid" listed "$tagB" Valid
check "7. trust-anchors lists A Revoked" listed "$tagA|$tagAr" Revoked
[ "$failed" -eq 0 ] || { echo "# trust-anchors:"; sed 's/^/#   /' <<<"$out"; echo "# state file:"; sed 's/^/#   /' "$state" 2>/dev/null; }
stop_redoubt
finish
