# Writes the unsigned zone sources into $LAB_DIR/zones/<zone>.zone. Signing (lib/sign.sh) adds
# DNSKEY, DS, RRSIG and NSEC/NSEC3 and makes the bogus variants.

# The children of alpha. that it delegates with glue (each on its own address); lib/sign.sh
# decides which get a DS and what kind.
ALPHA_CHILDREN="badsig expired future wrongds nokey nosig mixbad n3iter ttlcap unsupdigest unsupalg ed448 keytrap bigsec"

write_zone() {  # write_zone ZONE < body
  local zone=$1 file="$LAB_DIR/zones/${1%.}.zone"
  [ "$zone" = . ] && file="$LAB_DIR/zones/root.zone"
  {
    echo "\$ORIGIN $zone"
    echo "\$TTL ${ZONE_TTL:-3600}"
    local ns="ns.$zone"; [ "$zone" = . ] && ns="a.root-servers.lab."
    echo "@ SOA $ns hostmaster.${zone#.} 2026112201 1800 900 604800 300"
    cat
  } >"$file"
}

big_zone_body() {  # big_zone_body [COUNT]: COUNT names (default 100000): h0.., A 10.x.y.z
  awk -v n="${1:-100000}" 'BEGIN { for (i = 0; i < n; i++) printf "h%d A 10.%d.%d.%d\n", i, int(i/65536)%256, int(i/256)%256, i%256 }'
}

big_txt() {  # A TXT RRset well over 1232 octets
  local i
  for i in $(seq 1 24); do
    printf 'big TXT "%s-%02d"\n' "$(printf 'x%.0s' $(seq 1 90))" "$i"
  done
}

write_all_zones() {
  mkdir -p "$LAB_DIR/zones"
  write_zone . <<EOF2
@ NS a.root-servers.lab.
a.root-servers.lab. A $(zone_address .)
alpha. NS ns.alpha.
ns.alpha. A $(zone_address alpha.)
beta. NS ns.beta.
ns.beta. A $(zone_address beta.)
gamma. NS ns.gamma.
ns.gamma. A $(zone_address gamma.)
plain. NS ns.plain.
ns.plain. A $(zone_address plain.)
legacy. NS ns.legacy.
ns.legacy. A $(zone_address legacy.)
EOF2
  write_zone alpha. <<EOF2
@ NS ns
ns A $(zone_address alpha.)
www A 192.0.2.1
sec NS ns.sec
ns.sec A $(zone_address sec.alpha.)
insecure NS ns.insecure
ns.insecure A $(zone_address insecure.alpha.)
$(for z in $ALPHA_CHILDREN; do
    echo "$z NS ns.$z"; echo "ns.$z A $(zone_address $z.alpha.)"; done)
EOF2
  write_zone beta. <<EOF2
@ NS ns
ns A $(zone_address beta.)
www A 192.0.2.2
n3 NS ns.n3
ns.n3 A $(zone_address n3.beta.)
glueless NS ns.glueless-host.sec.alpha.
sibling NS ns-for-sibling.sib2.beta.
sib2 NS ns.sib2
ns.sib2 A $(zone_address sib2.beta.)
halflame NS ns1.halflame
halflame NS ns2.halflame
ns1.halflame A $LAB_LAME
ns2.halflame A $(zone_address halflame.beta.)
lame NS ns.lame
ns.lame A $LAB_LAME
dead NS ns.dead
ns.dead A $LAB_DEAD
slow NS ns.slow
ns.slow A $(zone_address slow.beta.)
spoof NS ns.spoof
ns.spoof A $(zone_address spoof.beta.)
sum NS ns.sum
ns.sum A $LAB_CHECKSUM_FRONT
EOF2
  write_zone gamma. <<EOF2
@ NS ns
ns A $(zone_address gamma.)
www A 192.0.2.3
big NS ns.big
ns.big A $(zone_address big.gamma.)
EOF2
  write_zone plain. <<EOF2
@ NS ns
ns A $(zone_address plain.)
www A 192.0.2.4
to-secure CNAME www.sec.alpha.
EOF2
  write_zone sec.alpha. <<EOF2
@ NS ns
ns A $(zone_address sec.alpha.)
www A 192.0.2.10
www AAAA 2001:db8::10
c1 CNAME c2
c2 CNAME c3
c3 CNAME www
cross CNAME www.n3.beta.
loop1 CNAME loop2
loop2 CNAME loop1
dn DNAME n3.beta.
*.wild A 192.0.2.12
a.ent A 192.0.2.13
ns.glueless-host A $(zone_address glueless.beta.)
$(big_txt)
EOF2
  write_zone insecure.alpha. <<EOF2
@ NS ns
ns A $(zone_address insecure.alpha.)
www A 192.0.2.11
EOF2
  local z
  for z in badsig expired future wrongds nokey nosig mixbad n3iter unsupdigest unsupalg ed448; do
    write_zone $z.alpha. <<EOF2
@ NS ns
ns A $(zone_address $z.alpha.)
www A 192.0.2.$((100 + ${#z}))
EOF2
  done
  # Signed by redoubt-keytrap-sign (lib/keytrap.sh); the wildcard makes every name below it a
  # fresh answer to validate.
  write_zone keytrap.alpha. <<EOF2
@ NS ns
ns A $(zone_address keytrap.alpha.)
www A 192.0.2.130
* A 192.0.2.131
EOF2
  # Every TTL 300, the Original TTL of every signature; signing then raises www's to 86400.
  ZONE_TTL=300 write_zone ttlcap.alpha. <<EOF2
@ NS ns
ns A $(zone_address ttlcap.alpha.)
www A 192.0.2.120
EOF2
  write_zone n3.beta. <<EOF2
@ NS ns
ns A $(zone_address n3.beta.)
www A 192.0.2.30
*.w A 192.0.2.31
txt TXT "nsec3 zone"
EOF2
  write_zone glueless.beta. <<EOF2
@ NS ns.glueless-host.sec.alpha.
www A 192.0.2.21
EOF2
  write_zone sibling.beta. <<EOF2
@ NS ns-for-sibling.sib2.beta.
www A 192.0.2.22
EOF2
  write_zone sib2.beta. <<EOF2
@ NS ns
ns A $(zone_address sib2.beta.)
ns-for-sibling A $(zone_address sibling.beta.)
www A 192.0.2.23
EOF2
  write_zone halflame.beta. <<EOF2
@ NS ns1
@ NS ns2
ns1 A $LAB_LAME
ns2 A $(zone_address halflame.beta.)
www A 192.0.2.24
EOF2
  write_zone slow.beta. <<EOF2
@ NS ns
ns A $(zone_address slow.beta.)
www A 192.0.2.26
EOF2
  write_legacy_zones
  write_zone spoof.beta. <<EOF2
@ NS ns
ns A $(zone_address spoof.beta.)
id A 192.0.2.41
question A 192.0.2.42
case A 192.0.2.43
port A 192.0.2.44
EOF2
  # Served through the CHECKSUM front; the first label picks a path fault (checksum_front.h).
  write_zone sum.beta. < <(echo "@ NS ns"; echo "ns A $LAB_CHECKSUM_FRONT"; echo "www A 192.0.2.28"
    for f in strip corrupt nonce alg dup; do echo "$f A 192.0.2.28"; done
    for i in $(seq 1 24); do printf 'big TXT "%s-%02d"\n' "$(printf 'y%.0s' $(seq 1 90))" "$i"; done)
  write_zone big.gamma. < <(echo "@ NS ns"; echo "ns A $(zone_address big.gamma.)"; big_zone_body)
  # Signed names for cold validated load (tests/bench/resolver_bench.sh).
  write_zone bigsec.alpha. < <(echo "@ NS ns"; echo "ns A $(zone_address bigsec.alpha.)"; big_zone_body 20000)
}

# The RFC 2065 tree is written with one TTL for everything (the SOA minimum, which NXT records
# take): NSD keeps all SIGs at a name as one RRset, so their TTLs must agree.
# The RFC 2065 tree (lib/legacy.sh signs it): legacy. delegates child. (signed, its KEY copied
# into legacy. and signed there) and unsigned. (a no-key KEY, added at signing time).
write_legacy_zones() {
  local ZONE_TTL=300
  write_zone legacy. <<EOF2
@ NS ns
ns A $(zone_address legacy.)
www A 192.0.2.50
www TXT "signed the RFC 2065 way"
*.wild A 192.0.2.51
badsig A 192.0.2.52
child NS ns.child
ns.child A $(zone_address child.legacy.)
unsigned NS ns.unsigned
ns.unsigned A $(zone_address unsigned.legacy.)
EOF2
  write_zone child.legacy. <<EOF2
@ NS ns
ns A $(zone_address child.legacy.)
www A 192.0.2.53
EOF2
  write_zone unsigned.legacy. <<EOF2
@ NS ns
ns A $(zone_address unsigned.legacy.)
www A 192.0.2.54
EOF2
}
