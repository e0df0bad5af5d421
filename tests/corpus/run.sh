#!/usr/bin/env bash
# Real-world corpus for redoubt's codec.
#
# 1. Zones: tests/corpus/corpus.example.zone is signed in the test by Debian's own tools, with
#    ldns (ldns-keygen/ldns-signzone) and BIND (dnssec-keygen/dnssec-signzone), NSEC and NSEC3
#    (with and without opt-out), RSA, ECDSA and Ed25519. For every signed zone:
#      - redoubt parses it and prints it; ldns-read-zone reads redoubt's text and must print the
#        same records as it prints for the original (text and RFC 3597 wire form);
#      - redoubt reads what ldns-read-zone and named-compilezone print and gets the same records;
#      - redoubt's generic (\#) output equals ldns's generic output octet for octet.
# 2. Responses: nsd and knot serve the signed zones on loopback; for every owner and type in the
#    zone (and some names that do not exist) redoubt-wire queries them with redoubt's message
#    builder, parses the reply, re-encodes and re-parses it, and its answer must equal dig's.
# Ends with "corpus: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
zone_tool="$build/tools/redoubt-zone"
wire_tool="$build/tools/redoubt-wire"
origin=corpus.example.
work=$(mktemp -d /tmp/redoubt-corpus.XXXXXX)
passed=0 failed=0
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 0.2
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# Normalises zone text for comparison: whitespace folded, lines sorted.
norm() { sed -E 's/[[:space:]]+/ /g; s/ $//' | grep -v '^;' | grep -v '^$' | LC_ALL=C sort; }
# Lowercases hex in "\# len hex" lines and owner names, so only the wire data are compared.
norm_generic() { norm | awk '{ $1 = tolower($1); for (i = 6; i <= NF; i++) $i = tolower($i); print }' | LC_ALL=C sort; }

compare() {  # compare LABEL FILE_A FILE_B: equal and not empty
  if [ ! -s "$2" ]; then
    fail "$1 (nothing to compare: $(basename "$2") is empty)"
  elif cmp -s "$2" "$3"; then
    pass "$1 ($(wc -l <"$2") records)"
  else
    fail "$1"; diff "$2" "$3" | head -10
  fi
}

sign_ldns() {  # sign_ldns NAME ALG [ldns-signzone NSEC3 options...]
  local name=$1 alg=$2; shift 2
  local dir="$work/$name"; mkdir -p "$dir"; cd "$dir" || return 1
  local bits=(); [[ $alg == RSA* ]] && bits=(-b 2048)
  local ksk zsk
  ksk=$(ldns-keygen -a "$alg" "${bits[@]}" -k "$origin") || return 1
  zsk=$(ldns-keygen -a "$alg" "${bits[@]}" "$origin") || return 1
  ldns-signzone "$@" -f "$dir/signed.zone" "$here/corpus.example.zone" "$ksk" "$zsk" >/dev/null || return 1
  cd "$root" || return 1
}

sign_bind() {  # sign_bind NAME ALG [dnssec-signzone options...]
  local name=$1 alg=$2; shift 2
  local dir="$work/$name"; mkdir -p "$dir"
  local bits=(); [[ $alg == RSA* ]] && bits=(-b 2048)
  dnssec-keygen -q -K "$dir" -a "$alg" "${bits[@]}" -f KSK "$origin" >/dev/null || return 1
  dnssec-keygen -q -K "$dir" -a "$alg" "${bits[@]}" "$origin" >/dev/null || return 1
  dnssec-signzone -q -S -K "$dir" -d "$dir" -o "$origin" -O full "$@" -f "$dir/signed.zone" \
    "$here/corpus.example.zone" >/dev/null 2>"$dir/sign.log" || { cat "$dir/sign.log"; return 1; }
}

check_zone() {  # check_zone NAME
  local name=$1 dir="$work/$1" z="$work/$1/signed.zone"
  if ! "$zone_tool" --origin "$origin" "$z" >"$dir/redoubt.txt" 2>"$dir/redoubt.err"; then
    fail "$name: redoubt-zone could not parse the signed zone"; head -5 "$dir/redoubt.err"; return
  fi
  # ldns reads redoubt's presentation text and prints the same records as for the original.
  ldns-read-zone "$z" 2>/dev/null | norm >"$dir/ldns-orig.txt"
  ldns-read-zone "$dir/redoubt.txt" 2>/dev/null | norm >"$dir/ldns-of-redoubt.txt"
  compare "$name: ldns reads redoubt's text as the original" "$dir/ldns-orig.txt" "$dir/ldns-of-redoubt.txt"
  # Wire level: every record in RFC 3597 form, from ldns and from redoubt, octet for octet.
  # ldns -U needs a type to leave out, so the SOA is printed generically by a second call; and
  # -U drops types ldns does not know from signed zones, which its plain output prints as \#.
  { ldns-read-zone -U SOA -e SOA "$z"; ldns-read-zone -u SOA -E SOA "$z"
    ldns-read-zone "$z" | awk '$4 ~ /^TYPE[0-9]+$/'; } 2>/dev/null |
    norm_generic | LC_ALL=C sort -u >"$dir/ldns-generic.txt"
  "$zone_tool" --origin "$origin" --generic "$z" 2>/dev/null | norm_generic |
    LC_ALL=C sort -u >"$dir/redoubt-generic.txt"
  compare "$name: redoubt's wire form equals ldns's" "$dir/ldns-generic.txt" "$dir/redoubt-generic.txt"
  # redoubt reads ldns's and BIND's renderings and gets the records it got from the original.
  norm <"$dir/redoubt.txt" >"$dir/redoubt-sorted.txt"
  ldns-read-zone "$z" 2>/dev/null >"$dir/ldns-print.zone"
  "$zone_tool" --origin "$origin" "$dir/ldns-print.zone" 2>&1 | norm >"$dir/redoubt-of-ldns.txt"
  compare "$name: redoubt reads ldns's text" "$dir/redoubt-sorted.txt" "$dir/redoubt-of-ldns.txt"
  named-compilezone -q -i none -k ignore -n ignore -r ignore -M ignore -S ignore -s full \
    -o "$dir/bind-print.zone" "$origin" "$z" >/dev/null 2>&1
  "$zone_tool" --origin "$origin" "$dir/bind-print.zone" 2>&1 | norm >"$dir/redoubt-of-bind.txt"
  compare "$name: redoubt reads named-compilezone's text" "$dir/redoubt-sorted.txt" "$dir/redoubt-of-bind.txt"
  named-compilezone -q -i none -k ignore -n ignore -r ignore -M ignore -S ignore -s full \
    -o "$dir/bind-of-redoubt.zone" "$origin" "$dir/redoubt.txt" >/dev/null 2>&1
  norm <"$dir/bind-print.zone" >"$dir/bind-print.sorted"
  norm <"$dir/bind-of-redoubt.zone" >"$dir/bind-of-redoubt.sorted"
  compare "$name: named-compilezone reads redoubt's text as the original" \
    "$dir/bind-print.sorted" "$dir/bind-of-redoubt.sorted"
}

source "$here/servers.sh"

if [ ! -x "$zone_tool" ]; then
  echo "corpus: $zone_tool is missing (build first)"; echo "corpus: 0 passed, 1 failed"; exit 1
fi

sign_ldns ldns-rsasha256-nsec RSASHA256 || fail "ldns signing (RSASHA256, NSEC)"
sign_ldns ldns-ecdsa256-nsec3 ECDSAP256SHA256 -n -t 0 -s ab12cd34 || fail "ldns signing (ECDSAP256, NSEC3)"
sign_ldns ldns-ed25519-nsec3-optout ED25519 -n -t 0 -p || fail "ldns signing (ED25519, NSEC3 opt-out)"
sign_bind bind-ed25519-nsec ED25519 || fail "BIND signing (ED25519, NSEC)"
sign_bind bind-ecdsa384-nsec3 ECDSAP384SHA384 -3 beef -H 0 || fail "BIND signing (ECDSAP384, NSEC3)"
sign_bind bind-rsasha256-nsec3-optout RSASHA256 -3 - -H 0 -A || fail "BIND signing (RSASHA256, NSEC3 opt-out)"

for dir in "$work"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/signed.zone" ] && check_zone "$name"
done

check_servers "$work/ldns-ecdsa256-nsec3/signed.zone" "$work/bind-ed25519-nsec/signed.zone"

echo "corpus: $passed passed, $failed failed"
[ $failed -eq 0 ]
