#!/usr/bin/python3
"""Prints TSIG-signed DNS messages made by dnspython, an implementation independent of redoubt,
as C++ initialisers for crypto/tsig_interop_test.cc (RFC 8945).

Everything is fixed: the key, the clock (time.time is replaced), the message IDs, so the
output is the same on every run. Regenerate with
    tests/tsig/dnspython_tsig_vectors.py > /tmp/vectors.inc
and paste the output between the markers in crypto/tsig_interop_test.cc.

Each vector: a query signed at T0 (ID 0x1234, EDNS 1232), and the response to it (one A record)
signed at T0 + 1 with the query's MAC as Request MAC. Then a truncated hmac-sha256-128 pair,
a pair whose key name dnspython compresses against the question, a signed BADTIME reply, and
a three-message TCP stream (first message with the Request MAC, later ones with Prior MAC and
TSIG Timers). Needs Debian's python3-dnspython (2.3); run with /usr/bin/python3.
"""
import base64
import time

import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.tsigkeyring

T0 = 1700000000
SECRET = base64.b64encode(bytes(range(1, 33))).decode()
KEY_NAME = "Resolver1-Fwd.Test."  # Mixed case: the MAC must use the lowercase form.

ALGORITHMS = [
    ("kHmacMd5", dns.tsig.HMAC_MD5),
    ("kHmacSha1", dns.tsig.HMAC_SHA1),
    ("kHmacSha224", dns.tsig.HMAC_SHA224),
    ("kHmacSha256", dns.tsig.HMAC_SHA256),
    ("kHmacSha384", dns.tsig.HMAC_SHA384),
    ("kHmacSha512", dns.tsig.HMAC_SHA512),
]


def at(seconds):
    time.time = lambda: float(seconds)


def signed_query(key_name, algorithm, qname="www.example."):
    keyring = dns.tsigkeyring.from_text({key_name: SECRET})
    query = dns.message.make_query(qname, "A", use_edns=0, payload=1232)
    query.id = 0x1234
    query.use_tsig(keyring, keyname=key_name, fudge=300, algorithm=algorithm)
    at(T0)
    wire = query.to_wire()
    # Parse it back as a server would: this records the request MAC for make_response.
    return keyring, wire, dns.message.from_wire(wire, keyring=keyring)


def response_to(received, qname="www.example.", address="192.0.2.1", **tsig):
    response = dns.message.make_response(received, **tsig)
    response.answer.append(dns.rrset.from_text(qname, 300, "IN", "A", address))
    return response


def pair(key_name, algorithm, qname="www.example."):
    _, query_wire, received = signed_query(key_name, algorithm, qname)
    at(T0 + 1)
    return query_wire, response_to(received, qname).to_wire()


def badtime_reply():
    keyring, query_wire, received = signed_query(KEY_NAME, dns.tsig.HMAC_SHA256)
    response = dns.message.make_response(received)
    response.set_rcode(dns.rcode.NOTAUTH)
    server_time = T0 + 1000
    response.use_tsig(keyring, keyname=KEY_NAME, fudge=300, tsig_error=dns.rcode.BADTIME,
                      other_data=server_time.to_bytes(6, "big"),
                      algorithm=dns.tsig.HMAC_SHA256)
    response.request_mac = received.mac
    # Time Signed is the request's (RFC 8945 section 5.2.3): the clock still reads T0.
    at(T0)
    return query_wire, response.to_wire()


def stream():
    _, query_wire, received = signed_query(KEY_NAME, dns.tsig.HMAC_SHA256)
    messages, ctx = [], None
    for i in range(3):
        at(T0 + 1 + i)
        message = response_to(received, address=f"192.0.2.{i + 1}")
        messages.append(message.to_wire(multi=True, tsig_ctx=ctx))
        ctx = message.tsig_ctx
    return query_wire, messages


def emit(label, *wires):
    print(f"    // {label}")
    print("    {" + ", ".join(f'"{w.hex()}"' for w in wires) + "},")


def main():
    print(f"// secret (base64) {SECRET}, key {KEY_NAME}, T0 {T0}; dnspython {dns.version.version}")
    print("const InteropPair kPairs[] = {")
    for enumerator, algorithm in ALGORITHMS:
        query, response = pair(KEY_NAME, algorithm)
        print(f"    {{TsigAlgorithm::{enumerator}, \"{query.hex()}\",\n     \"{response.hex()}\"}},")
    print("};")
    query, response = pair(KEY_NAME, dns.tsig.HMAC_SHA256_128)
    print(f'const char kTruncatedQuery[] = "{query.hex()}";')
    print(f'const char kTruncatedResponse[] = "{response.hex()}";')
    query, response = pair("key.example.", dns.tsig.HMAC_SHA256)
    print(f'const char kCompressedOwnerQuery[] = "{query.hex()}";')
    print(f'const char kCompressedOwnerResponse[] = "{response.hex()}";')
    query, response = badtime_reply()
    print(f'const char kBadTimeQuery[] = "{query.hex()}";')
    print(f'const char kBadTimeResponse[] = "{response.hex()}";')
    query, messages = stream()
    print(f'const char kStreamQuery[] = "{query.hex()}";')
    print("const char* const kStream[] = {")
    for message in messages:
        print(f'    "{message.hex()}",')
    print("};")


if __name__ == "__main__":
    main()
