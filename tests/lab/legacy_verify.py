#!/usr/bin/python3
"""Checks an answer from the lab's legacy. tree the RFC 2065 way, independently of redoubt.

    legacy_verify.py ANCHOR_FILE SERVER QNAME QTYPE

ANCHOR_FILE holds the statically configured KEY for legacy. (as `lab up` writes it); SERVER is
legacy.'s address. The script follows referrals from there, fetches the SIGs (no server today
adds them to answers), follows the chain of KEYs signed by their parent zones (RFC 2065 section
2.3.4) and checks NXT proofs for NXDOMAIN and NODATA (section 5). Signatures are checked with
dnspython (python3-dnspython), reading KEY as DNSKEY and SIG as RRSIG: the layouts are the same.
Prints one line, "secure", "insecure" (a signed no-key KEY at the delegation) or "bogus: why",
and exits 0; exit 2 means the question could not be asked.
"""
import sys

import dns.dnssec
import dns.flags
import dns.message
import dns.exception
import dns.name
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype

SIG, KEY, NXT = 24, 25, 30
IN = dns.rdataclass.IN


class Bogus(Exception):
    pass


def ask(server, qname, qtype):
    query = dns.message.make_query(qname, qtype, use_edns=0, payload=4096)
    query.flags &= ~dns.flags.RD
    return dns.query.udp(query, server, timeout=3)


def find(section, name, rdtype):
    return [rr for rr in section if rr.name == name and rr.rdtype == rdtype]


def as_type(rdata, rdtype):
    """Reads KEY as DNSKEY and SIG as RRSIG (identical layouts, RFC 4034 sections 2 and 3)."""
    wire = rdata.to_digestable()
    return dns.rdata.from_wire(IN, rdtype, wire, 0, len(wire))


def pad_md5_signature(sig, keys):
    """RFC 2537 strips leading zero octets; OpenSSL wants the modulus length back."""
    if sig.algorithm != 1:
        return sig
    modulus = max((len(k.key) - 1 - k.key[0] for k in keys if k.key and k.key[0]), default=0)
    if len(sig.signature) >= modulus:
        return sig
    return sig.replace(signature=b"\0" * (modulus - len(sig.signature)) + sig.signature)


class Verifier:
    def __init__(self, anchor_file, server):
        self.trusted = {}   # zone name -> list of DNSKEY-form keys proven
        self.servers = {}   # zone name -> server address
        with open(anchor_file) as f:
            owner, _, _, _, flags, proto, alg, *key = f.read().split()
        name = dns.name.from_text(owner)
        self.trusted[name] = [dns.rdata.from_text(IN, dns.rdatatype.DNSKEY,
                                                  " ".join([flags, proto, alg] + key))]
        self.anchor = name
        self.servers[name] = server

    def locate(self, qname, qtype):
        """Follows referrals from the anchor's server; returns (server, response)."""
        zone, server = self.anchor, self.servers[self.anchor]
        for _ in range(8):
            response = ask(server, qname, qtype)
            ns = [rr for rr in response.authority if rr.rdtype == dns.rdatatype.NS]
            if response.answer or not ns or response.flags & dns.flags.AA or ns[0].name == zone:
                return server, response
            glue = [rr for rr in response.additional if rr.rdtype == dns.rdatatype.A]
            if not glue:
                raise Bogus("referral to %s without glue" % ns[0].name)
            zone, server = ns[0].name, glue[0][0].address
        raise Bogus("too many referrals")

    def zone_of(self, server, qname):
        """Walks down from the anchor: every name with a KEY signed by the zone above starts a
        zone (RFC 2065 section 2.3.4). Returns (zone, secure?): a no-key KEY ends security."""
        zone = self.anchor
        for depth in range(len(self.anchor) + 1, len(qname) + 1):
            name = qname.split(depth)[1]
            keyset = find(ask(server, name, KEY).answer, name, KEY)
            if not keyset:
                continue
            self.delegated_key(zone, server, name, keyset[0])
            zone = name
            if self.trusted[zone] is None:
                return zone, False
        return zone, True

    def sigs(self, server, name, covered):
        response = ask(server, name, SIG)
        return [as_type(rd, dns.rdatatype.RRSIG) for rr in find(response.answer, name, SIG)
                for rd in rr if int.from_bytes(rd.to_digestable()[:2], "big") == covered]

    def verify(self, rrset, sigs, signer_zone):
        keys = self.trusted.get(signer_zone)
        if keys is None:
            raise Bogus("no trusted KEY for %s" % signer_zone)
        keyset = dns.rdataset.from_rdata_list(0, keys)
        errors = []
        for sig in sigs:
            if sig.signer != signer_zone:
                continue
            try:
                dns.dnssec.validate_rrsig(rrset, pad_md5_signature(sig, keys),
                                          {signer_zone: keyset},
                                          policy=dns.dnssec.allow_all_policy)
                return
            except dns.dnssec.ValidationFailure as e:
                errors.append(str(e))
        raise Bogus("%s %s: no SIG by %s verifies (%s)" % (
            rrset.name, dns.rdatatype.to_text(rrset.rdtype), signer_zone,
            ", ".join(errors) or "none present"))

    def delegated_key(self, parent, server, child, keyset):
        """Trusts the child's KEY set if the parent signed it; a no-key KEY trusts nothing."""
        self.verify(keyset, self.sigs(server, child, KEY), parent)
        keys = [as_type(rd, dns.rdatatype.DNSKEY) for rd in keyset]
        real = [k for k in keys if k.flags & 0xC000 != 0xC000]
        self.trusted[child] = real if real else None

    def nxt_chain(self, zone, server):
        """The zone's NXT chain, each NXT's SIG checked. Read by AXFR: no server today puts NXT
        records in negative answers, and NSD refers queries for the parent's NXT at a
        delegation point to the child."""
        records = {}  # (name, type) -> list of RRsets as they came (one SIG per RRset)
        for message in dns.query.xfr(server, zone, timeout=5, relativize=False):
            for rrset in message.answer:
                records.setdefault((rrset.name, rrset.rdtype), []).append(rrset)
        chain = []
        for (name, rdtype), rrsets in sorted(records.items()):
            if rdtype != NXT:
                continue
            rrset = rrsets[0]
            sigs = [as_type(rd, dns.rdatatype.RRSIG) for r in records.get((name, SIG), [])
                    for rd in r]
            self.verify(rrset, [s for s in sigs if s.type_covered == NXT], zone)
            wire = rrset[0].to_digestable()
            nxt_next, used = dns.name.from_wire(wire, 0)
            types = {8 * i + b for i, octet in enumerate(wire[used:]) for b in range(8)
                     if octet & (0x80 >> b)}
            chain.append((name, nxt_next, types))
        if not chain:
            raise Bogus("no NXT records in %s" % zone)
        return chain

    def denies(self, chain, zone, qname, qtype, nxdomain):
        for owner, nxt_next, types in chain:
            if not nxdomain and owner == qname:
                return qtype not in types and dns.rdatatype.CNAME not in types
            wraps = nxt_next == zone
            if nxdomain and owner < qname and (wraps or qname < nxt_next):
                return True
        return False

    def check(self, qname, qtype):
        server, response = self.locate(qname, qtype)
        zone, secure = self.zone_of(server, qname)
        if not secure:
            return "insecure"
        answer = find(response.answer, qname, qtype)
        if answer:
            sigs = self.sigs(server, qname, qtype)
            self.verify(answer[0], sigs, zone)
            if any(s.labels < len(qname) - 1 for s in sigs):  # Wildcard: qname must not exist.
                if not self.denies(self.nxt_chain(zone, server), zone, qname, qtype, True):
                    raise Bogus("wildcard answer without an NXT covering %s" % qname)
            return "secure"
        nxdomain = response.rcode() == dns.rcode.NXDOMAIN
        chain = self.nxt_chain(zone, server)
        if not self.denies(chain, zone, qname, qtype, nxdomain):
            raise Bogus("no NXT proves %s for %s" % ("NXDOMAIN" if nxdomain else "NODATA", qname))
        if nxdomain:
            ancestor = qname.parent()
            while not any(owner == ancestor for owner, _, _ in chain) and ancestor != zone:
                ancestor = ancestor.parent()
            if not self.denies(chain, zone, dns.name.Name([b"*"]).concatenate(ancestor),
                               qtype, True):
                raise Bogus("no NXT proves there is no wildcard at *.%s" % ancestor)
        return "secure"


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    anchor, server, qname, qtype = sys.argv[1:]
    try:
        verdict = Verifier(anchor, server).check(dns.name.from_text(qname),
                                                 dns.rdatatype.from_text(qtype))
    except Bogus as e:
        verdict = "bogus: %s" % e
    except (OSError, dns.exception.DNSException) as e:
        print("legacy_verify: %s" % e, file=sys.stderr)
        return 2
    print(verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
