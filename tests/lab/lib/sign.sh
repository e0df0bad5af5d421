# Signs the lab's zones with Debian's own tools, children before parents so each parent carries
# its children's DS records, and makes the bogus variants by altering signed output.
# BIND's dnssec-keygen/dnssec-signzone sign every zone except gamma., which PowerDNS signs
# itself (lib/servers.sh), and n3iter.alpha., which ldns-signzone signs (its NSEC3 iterations
# are above what dnssec-signzone allows). Signatures are made fresh at every `lab up`.

zone_file() { [ "$1" = . ] && echo root || echo "${1%.}"; }

keygen() {  # keygen ZONE ALG ksk|zsk -> prints the key's base name
  local zone=$1 alg=$2 role=$3 dir="$LAB_DIR/keys/$(zone_file "$1")" args=()
  mkdir -p "$dir"
  [[ $alg == RSA* ]] && args+=(-b 2048)
  [ "$role" = ksk ] && args+=(-f KSK)
  dnssec-keygen -q -K "$dir" -a "$alg" "${args[@]}" "$zone"
}

add_ds_to_parent() {  # add_ds_to_parent ZONE PARENT KEYBASE
  local zone=$1 parent=$2 key=$3
  dnssec-dsfromkey -2 "$LAB_DIR/keys/$(zone_file "$zone")/$key.key" \
    >>"$LAB_DIR/ds/$(zone_file "$parent").ds"
}

# sign ZONE PARENT ALG ksk-zsk|csk [dnssec-signzone options...]
sign() {
  local zone=$1 parent=$2 alg=$3 mode=$4; shift 4
  local f; f=$(zone_file "$zone")
  local ksk; ksk=$(keygen "$zone" "$alg" ksk)
  [ "$mode" = ksk-zsk ] && keygen "$zone" "$alg" zsk >/dev/null
  # work/<zone>.extra: records to sign along with the zone (private_dnskey writes one).
  cat "$LAB_DIR/zones/$f.zone" "$LAB_DIR/ds/$f.ds" "$LAB_DIR/work/$f.extra" 2>/dev/null >"$LAB_DIR/work/$f.in"
  local extra=(); [ "$mode" = csk ] && extra+=(-z)
  dnssec-signzone -q -S -P -K "$LAB_DIR/keys/$f" -d "$LAB_DIR/work" -o "$zone" -O full \
    "${extra[@]}" "$@" -f "$LAB_DIR/signed/$f.zone" "$LAB_DIR/work/$f.in" >/dev/null \
    || lab_die "signing $zone failed"
  [ -n "$parent" ] && add_ds_to_parent "$zone" "$parent" "$ksk"
  return 0
}

copy_unsigned() {  # copy_unsigned ZONE
  local f; f=$(zone_file "$1")
  cat "$LAB_DIR/zones/$f.zone" "$LAB_DIR/ds/$f.ds" 2>/dev/null >"$LAB_DIR/signed/$f.zone"
}

utc() { date -u -d "$1" +%Y%m%d%H%M%S; }

# The bogus variants: each is signed properly first, then broken in one way.
make_bogus_zones() {
  sign badsig.alpha. alpha. ECDSAP256SHA256 ksk-zsk
  # Alter the first character of the signature over www's A record.
  awk '$1 == "www.badsig.alpha." && $4 == "RRSIG" && $5 == "A" {
         c = substr($NF, 1, 1); $NF = (c == "A" ? "B" : "A") substr($NF, 2) } { print }' \
    "$LAB_DIR/signed/badsig.alpha.zone" >"$LAB_DIR/work/x" && mv "$LAB_DIR/work/x" "$LAB_DIR/signed/badsig.alpha.zone"

  sign expired.alpha. alpha. ECDSAP256SHA256 ksk-zsk -s "$(utc '40 days ago')" -e "$(utc '10 days ago')"
  sign future.alpha. alpha. ECDSAP256SHA256 ksk-zsk -s "$(utc '10 days')" -e "$(utc '40 days')"

  # wrongds: the parent publishes the DS of a key the child never uses.
  local stray; stray=$(dnssec-keygen -q -K "$LAB_DIR/work" -a ECDSAP256SHA256 -f KSK wrongds.alpha.)
  sign wrongds.alpha. "" ECDSAP256SHA256 ksk-zsk
  dnssec-dsfromkey -2 "$LAB_DIR/work/$stray.key" >>"$LAB_DIR/ds/alpha.ds"

  sign nokey.alpha. alpha. ECDSAP256SHA256 ksk-zsk
  awk '!($4 == "DNSKEY" || ($4 == "RRSIG" && $5 == "DNSKEY"))' "$LAB_DIR/signed/nokey.alpha.zone" \
    >"$LAB_DIR/work/x" && mv "$LAB_DIR/work/x" "$LAB_DIR/signed/nokey.alpha.zone"

  sign nosig.alpha. alpha. ECDSAP256SHA256 ksk-zsk
  awk '!($1 == "www.nosig.alpha." && $4 == "RRSIG" && $5 == "A")' "$LAB_DIR/signed/nosig.alpha.zone" \
    >"$LAB_DIR/work/x" && mv "$LAB_DIR/work/x" "$LAB_DIR/signed/nosig.alpha.zone"
}

# sign_ldns ZONE PARENT ALG NSEC3-ITERATIONS: KSK/ZSK, NSEC3 without salt, signed by
# ldns-signzone, since dnssec-signzone refuses more than 150 iterations.
sign_ldns() {
  local zone=$1 parent=$2 alg=$3 iterations=$4 f; f=$(zone_file "$1")
  local ksk; ksk=$(keygen "$zone" "$alg" ksk)
  local zsk; zsk=$(keygen "$zone" "$alg" zsk)
  ldns-signzone -n -a 1 -t "$iterations" -o "$zone" -f "$LAB_DIR/signed/$f.zone" \
    "$LAB_DIR/zones/$f.zone" "$LAB_DIR/keys/$f/$ksk" "$LAB_DIR/keys/$f/$zsk" 2>/dev/null \
    || lab_die "signing $zone with ldns-signzone failed"
  add_ds_to_parent "$zone" "$parent" "$ksk"
}

# private_dnskey ZONE: a KSK of algorithm 253 (PRIVATEDNS, RFC 4034 appendix A.1.1: the key
# starts with a domain name naming the real algorithm, here alg.lab.) that no validator
# knows, for sign() to put into the DNSKEY set; prints its DS (SHA-256), which matches it.
private_dnskey() {
  local f; f=$(zone_file "$1")
  local key; key=$({ printf '\003alg\003lab\000'; head -c 64 /dev/urandom; } | base64 -w0)
  echo "$1 3600 IN DNSKEY 257 3 253 $key" >"$LAB_DIR/work/$f.extra"
  dnssec-dsfromkey -2 -f "$LAB_DIR/work/$f.extra" "$1" || lab_die "DS for $1's PRIVATEDNS key"
}

# Zones about algorithms, digests, NSEC3 iterations and TTLs. Each is delegated from alpha.
make_limit_zones() {
  # n3iter: NSEC3 with 200 iterations, above RFC 9276's 50 and Unbound's 150: its denials are
  # insecure (its positive answers still validate).
  sign_ldns n3iter.alpha. alpha. ECDSAP256SHA256 200

  # ttlcap: signatures expire 15 min from now; www's A (and its RRSIG) are then served with
  # TTL 86400, while the Original TTL in the signature stays 300, so it still validates.
  # A validator must cap the TTL at min(300, expiration - now) (RFC 4035 section 5.3.3).
  local expires=$(( $(date +%s) + 900 ))
  sign ttlcap.alpha. alpha. ECDSAP256SHA256 ksk-zsk -e "$(utc "@$expires")"
  echo "$expires" >"$LAB_DIR/ttlcap.expires"
  awk '$1 == "www.ttlcap.alpha." && ($4 == "A" || ($4 == "RRSIG" && $5 == "A")) { $2 = 86400 } { print }' \
    "$LAB_DIR/signed/ttlcap.alpha.zone" >"$LAB_DIR/work/x" && mv "$LAB_DIR/work/x" "$LAB_DIR/signed/ttlcap.alpha.zone"

  # unsupdigest: signed properly, but the parent's only DS for it has digest type 3 (GOST
  # R 34.11-94, not implemented by a validator on OpenSSL 3) with a made-up 32-octet digest
  # and the right key tag and algorithm: no supported DS, so insecure (RFC 4035 section 5.2).
  sign unsupdigest.alpha. "" ECDSAP256SHA256 ksk-zsk
  local ksk; ksk=$(grep -l 'key-signing' "$LAB_DIR/keys/unsupdigest.alpha"/*.key)
  dnssec-dsfromkey -2 "$ksk" | awk -v digest="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    '{ $6 = 3; $7 = toupper(digest); print }' >>"$LAB_DIR/ds/alpha.ds"

  # unsupalg: signed with ECDSAP256, with a PRIVATEDNS key in its DNSKEY set too; the parent
  # publishes only the DS of that key, so no DS names a supported algorithm: insecure.
  private_dnskey unsupalg.alpha. >>"$LAB_DIR/ds/alpha.ds"
  sign unsupalg.alpha. "" ECDSAP256SHA256 ksk-zsk

  # mixbad: DS for the ECDSAP256 KSK and for a PRIVATEDNS key; www's ECDSA RRSIG altered.
  # The supported algorithm's signature is bad, so bogus (no downgrade to the other key).
  private_dnskey mixbad.alpha. >>"$LAB_DIR/ds/alpha.ds"
  sign mixbad.alpha. alpha. ECDSAP256SHA256 ksk-zsk
  awk '$1 == "www.mixbad.alpha." && $4 == "RRSIG" && $5 == "A" {
         c = substr($NF, 1, 1); $NF = (c == "A" ? "B" : "A") substr($NF, 2) } { print }' \
    "$LAB_DIR/signed/mixbad.alpha.zone" >"$LAB_DIR/work/x" && mv "$LAB_DIR/work/x" "$LAB_DIR/signed/mixbad.alpha.zone"

  sign ed448.alpha. alpha. ED448 ksk-zsk
}

# Signs everything below the root except gamma. (PowerDNS signs it when it starts, and its DS
# is added to the root by sign_root once that is done).
sign_all_but_root() {
  mkdir -p "$LAB_DIR/keys" "$LAB_DIR/ds" "$LAB_DIR/signed" "$LAB_DIR/work"
  sign sec.alpha. alpha. ECDSAP256SHA256 ksk-zsk
  make_bogus_zones
  make_limit_zones
  sign_keytrap_zone   # lib/keytrap.sh
  sign bigsec.alpha. alpha. ECDSAP256SHA256 ksk-zsk
  copy_unsigned insecure.alpha.
  sign alpha. . RSASHA256 ksk-zsk

  sign n3.beta. beta. ECDSAP256SHA256 ksk-zsk -3 a1b2c3d4 -H 0
  local z
  for z in glueless.beta. sibling.beta. sib2.beta. halflame.beta. slow.beta. spoof.beta. sum.beta.; do
    copy_unsigned $z
  done
  sign beta. . ECDSAP384SHA384 csk -3 - -H 0 -A

  copy_unsigned plain.
  copy_unsigned big.gamma.
  copy_unsigned gamma.  # PowerDNS signs it itself.
}

# Signs the root and writes the trust anchor (DS and DNSKEY forms) and the root hints.
sign_root() {
  local ksk; ksk=$(keygen . ECDSAP256SHA256 ksk)
  keygen . ECDSAP256SHA256 zsk >/dev/null
  cat "$LAB_DIR/zones/root.zone" "$LAB_DIR/ds/root.ds" >"$LAB_DIR/work/root.in"
  dnssec-signzone -q -S -P -K "$LAB_DIR/keys/root" -d "$LAB_DIR/work" -o . -O full \
    -f "$LAB_DIR/signed/root.zone" "$LAB_DIR/work/root.in" >/dev/null || lab_die "signing the root failed"
  dnssec-dsfromkey -2 "$LAB_DIR/keys/root/$ksk.key" >"$LAB_DIR/root.ds"
  grep -v '^;' "$LAB_DIR/keys/root/$ksk.key" >"$LAB_DIR/root.key"
  {
    echo ". 3600000 NS a.root-servers.lab."
    echo "a.root-servers.lab. 3600000 A $(zone_address .)"
  } >"$LAB_DIR/root.hints"
}
