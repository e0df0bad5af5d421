#!/usr/bin/python3
"""Asks a resolver with a CHECKSUM option and checks its reply independently of redoubt's code
(dnspython and hashlib; specs/checksum.md sections 5 and 7).

usage: checksum_client.py ADDRESS [--code 65434]
Prints one line per check, "ok ..." or "bad ...", and exits 1 if any check is bad:
  1. a query with one option gets NOERROR with the nonce echoed, ALGORITHM 2 and a SHA-256
     digest equal to the hash of the whole reply with the digest octets zeroed;
  2. a query with two options gets FORMERR;
  3. a query without the option gets a reply without it.
"""
import argparse
import hashlib
import os
import socket
import sys

import dns.edns
import dns.message
import dns.rcode


def exchange(address, query):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(query.to_wire(), (address, 53))
        return s.recv(65535)


def checksum_options(message, code):
    return [o for o in message.options if o.otype == code]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("--code", type=int, default=65434)
    args = parser.parse_args()
    bad = 0

    def report(ok, text):
        nonlocal bad
        bad += 0 if ok else 1
        print(("ok " if ok else "bad ") + text)

    nonce = os.urandom(8)
    option = dns.edns.GenericOption(args.code, nonce + b"\x00")
    query = dns.message.make_query("www.alpha.", "A", use_edns=0, options=[option])
    wire = exchange(args.address, query)
    reply = dns.message.from_wire(wire)
    found = checksum_options(reply, args.code)
    if reply.rcode() != dns.rcode.NOERROR or len(found) != 1:
        report(False, f"sealed reply: rcode {dns.rcode.to_text(reply.rcode())}, {len(found)} options")
    else:
        data = found[0].to_wire() if hasattr(found[0], "to_wire") else found[0].data
        digest = wire[-32:]
        expected = hashlib.sha256(wire[:-32] + bytes(32)).digest()
        report(data[:8] == nonce and data[8] == 2 and len(data) == 41 and data[9:] == digest
               and digest == expected,
               f"sealed reply: nonce echoed, algorithm {data[8]}, SHA-256 digest "
               f"{'matches' if digest == expected else 'DOES NOT match'} the reply")

    query = dns.message.make_query("www.alpha.", "A", use_edns=0, options=[option, option])
    reply = dns.message.from_wire(exchange(args.address, query))
    report(reply.rcode() == dns.rcode.FORMERR,
           f"two CHECKSUM options: {dns.rcode.to_text(reply.rcode())}")

    query = dns.message.make_query("www.alpha.", "A", use_edns=0)
    reply = dns.message.from_wire(exchange(args.address, query))
    report(not checksum_options(reply, args.code), "no option asked, none given")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
