#!/usr/bin/python3
"""Writes the seeds of anchor_refresh_fuzzer (tests/fuzz/corpus/anchor_refresh_fuzzer/): DNS
replies whose answer is the root's DNSKEY RRset with RRSIGs made by fresh ECDSA P-256 keys
(dnspython, python3-cryptography), so the fuzzer starts from signatures that verify. A is the
first KSK, B a second, Z a ZSK; A revoked is A with flags 385 (RFC 5011 section 2.1).
Run from the repository root: /usr/bin/python3 tests/fuzz/make_anchor_refresh_seeds.py"""
import dns.dnssec
import dns.message
import dns.name
import dns.rdata
import dns.rrset
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = dns.name.root
T0 = 1767225600  # 2026-01-01: the fuzzer judges each set an hour after its inception.
OUT = "tests/fuzz/corpus/anchor_refresh_fuzzer/"


def key(flags):
    private = ec.generate_private_key(ec.SECP256R1())
    public = dns.dnssec.make_dnskey(private.public_key(), dns.dnssec.Algorithm.ECDSAP256SHA256, flags=flags)
    return private, public


def write(name, keys, signers):
    rrset = dns.rrset.from_rdata_list(ROOT, 172800, keys)
    reply = dns.message.make_response(dns.message.make_query(ROOT, "DNSKEY", want_dnssec=True))
    reply.answer.append(rrset)
    sigs = [dns.dnssec.sign(rrset, private, ROOT, public, inception=T0 - 3600, expiration=T0 + 14 * 86400)
            for private, public in signers]
    reply.answer.append(dns.rrset.from_rdata_list(ROOT, 172800, sigs))
    with open(OUT + name, "wb") as f:
        f.write(reply.to_wire())


a, A = key(257)
b, B = key(257)
_, Z = key(256)
A_revoked = dns.rdata.from_text("IN", "DNSKEY", A.to_text().replace("257 3", "385 3", 1))
write("ksk_signs", [A, Z], [(a, A)])
write("second_ksk_published", [A, B, Z], [(a, A), (b, B)])
write("first_ksk_revoked", [A_revoked, B, Z], [(a, A_revoked), (b, B)])
write("unknown_key_signs", [A, B, Z], [(b, B)])
