# Signs the lab's zones with Debian's own tools, children before parents so each parent carries
# its children's DS records, and makes the bogus variants by altering signed output.
# BIND's dnssec-keygen/dnssec-signzone sign every zone except gamma., which PowerDNS signs
# itself (lib/servers.sh). Signatures are made fresh at every `lab up`.

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
  cat "$LAB_DIR/zones/$f.zone" "$LAB_DIR/ds/$f.ds" 2>/dev/null >"$LAB_DIR/work/$f.in"
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

# Signs everything below the root except gamma. (PowerDNS signs it when it starts, and its DS
# is added to the root by sign_root once that is done).
sign_all_but_root() {
  mkdir -p "$LAB_DIR/keys" "$LAB_DIR/ds" "$LAB_DIR/signed" "$LAB_DIR/work"
  sign sec.alpha. alpha. ECDSAP256SHA256 ksk-zsk
  make_bogus_zones
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
