# Shared settings of the lab: the state directory and the address plan. Every address is in
# 127.53.0.0/16 on port 53 (all of 127.0.0.0/8 reaches the loopback interface on Linux, so
# nothing needs configuring). Change the plan here and only here.
LAB_DIR=${REDOUBT_LAB_DIR:-/tmp/redoubt-lab}
LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# zone | address | server | signing (see lib/sign.sh)
LAB_ZONES=(
  ".|127.53.0.1|knot|root"
  "alpha.|127.53.1.1|nsd|RSASHA256 ksk-zsk nsec"
  "beta.|127.53.2.1|named|ECDSAP384SHA384 csk nsec3-optout"
  "gamma.|127.53.3.1|pdns|ED25519 ksk-zsk nsec3 (signed live by PowerDNS)"
  "plain.|127.53.4.1|knot|unsigned"
  "sec.alpha.|127.53.10.1|nsd|ECDSAP256SHA256 ksk-zsk nsec"
  "insecure.alpha.|127.53.11.1|named|unsigned, no DS in alpha."
  "badsig.alpha.|127.53.12.1|nsd|bogus: one RRSIG altered"
  "expired.alpha.|127.53.12.2|nsd|bogus: signatures expired"
  "future.alpha.|127.53.12.3|nsd|bogus: signatures not yet valid"
  "wrongds.alpha.|127.53.12.4|nsd|bogus: parent DS matches no DNSKEY"
  "nokey.alpha.|127.53.12.5|nsd|bogus: DNSKEY removed"
  "nosig.alpha.|127.53.12.6|nsd|bogus: RRSIG stripped"
  "mixbad.alpha.|127.53.12.7|nsd|bogus: DS for ECDSAP256 and for PRIVATEDNS (253); the ECDSA RRSIG altered"
  "n3iter.alpha.|127.53.13.1|nsd|ECDSAP256SHA256 nsec3, 200 iterations (ldns-signzone)"
  "ttlcap.alpha.|127.53.13.2|nsd|ECDSAP256SHA256; www served with TTL 86400 > Original TTL 300; signatures expire 15 min after lab up"
  "unsupdigest.alpha.|127.53.13.3|nsd|ECDSAP256SHA256; its only DS has digest type 3 (GOST R 34.11-94)"
  "unsupalg.alpha.|127.53.13.4|nsd|ECDSAP256SHA256 plus a PRIVATEDNS (253) KSK; its only DS names the 253 key"
  "ed448.alpha.|127.53.13.5|nsd|ED448 ksk-zsk nsec"
  "keytrap.alpha.|127.53.13.6|nsd|KeyTrap: RSASHA256, 60 DNSKEYs sharing the ZSK's key tag, 32 RRSIGs per RRset (redoubt-keytrap-sign)"
  "n3.beta.|127.53.20.1|named|ECDSAP256SHA256 ksk-zsk nsec3 (salted)"
  "glueless.beta.|127.53.21.1|named|unsigned; NS in sec.alpha. (out of bailiwick, no glue)"
  "sibling.beta.|127.53.22.1|named|unsigned; NS in the sibling zone sib2.beta."
  "sib2.beta.|127.53.23.1|named|unsigned"
  "halflame.beta.|127.53.24.1|named|unsigned; one of two NS is lame"
  "slow.beta.|127.53.26.1|slow|unsigned; python responder delaying every answer"
  "spoof.beta.|127.53.27.1|spoof|unsigned; python responder sending a forgery before each answer"
  "sum.beta.|127.53.28.2|knot|unsigned; reached through redoubt-checksum-proxy (CHECKSUM) at 127.53.28.1"
  "big.gamma.|127.53.30.1|knot|unsigned; 100000 names"
  "bigsec.alpha.|127.53.30.2|knot|ECDSAP256SHA256 ksk-zsk nsec; 20000 names"
  "legacy.|127.53.50.1|nsd|RFC 2065: RSA/MD5 KEY, SIG, NXT (redoubt-legacy-sign)"
  "child.legacy.|127.53.50.2|nsd|RFC 2065: RSA/SHA-1; its KEY signed by legacy. too"
  "unsigned.legacy.|127.53.50.3|nsd|unsigned; a no-key KEY signed by legacy. says so"
)
# Not zones, but places delegations point at.
LAB_LAME=127.53.4.1     # plain.'s knot: answers REFUSED for lame.beta. and halflame.beta.
LAB_DEAD=127.53.98.1    # a responder that reads every query and never answers
LAB_CHECKSUM_FRONT=127.53.28.1  # redoubt-checksum-proxy in front of sum.beta.'s server
LAB_UNBOUND=127.53.200.1
LAB_UNBOUND_PORT=53

lab_log() { echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $*" >&2; exit 1; }

# Every address the lab binds, for checks and clean-up.
lab_addresses() {
  local z
  for z in "${LAB_ZONES[@]}"; do IFS='|' read -r _ addr _ _ <<<"$z"; echo "$addr"; done
  echo "$LAB_DEAD"; echo "$LAB_UNBOUND"; echo "$LAB_CHECKSUM_FRONT"
}

zone_address() {  # zone_address ZONE
  local z name addr
  for z in "${LAB_ZONES[@]}"; do
    IFS='|' read -r name addr _ _ <<<"$z"
    [ "$name" = "$1" ] && { echo "$addr"; return 0; }
  done
  return 1
}

# wait_for_resolver ADDRESS: up to 10 s for a resolver there to answer ". SOA" with NOERROR.
wait_for_resolver() {
  local i
  for i in $(seq 1 50); do
    dig +time=1 +tries=1 @"$1" . SOA 2>/dev/null | grep -q "status: NOERROR" && return 0
    sleep 0.2
  done
  return 1
}
