#!/usr/bin/python3
"""Asks a resolver COUNT fresh names whose answers the fragment attacker targets and sorts the
answers: "correct" (exactly the 100 genuine addresses, or 10.9.9.9 for small names),
"poisoned" (any address the attacker planted: first octet 6), or "failed" (no answer,
SERVFAIL, or something else). Queries go over TCP so the 1,700-octet answer reaches the
client whole. Bounded: COUNT queries, each with a 6 s timeout, and --deadline seconds in all.

usage: fragment_client.py SERVER TAG COUNT [--small] [--direct] [--deadline 300]
  --direct  ask the authoritative itself over UDP (the harness check: the attack must work
            against a client with no defence)
Prints one line: "correct=N poisoned=N failed=N seconds=S".
"""
import argparse
import sys
import time

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

GENUINE_BIG = {f"10.1.0.{i}" for i in range(100)}


def classify(reply, small):
    if reply is None or reply.rcode() != dns.rcode.NOERROR:
        return "failed"
    addresses = set()
    for rrset in reply.answer:
        if rrset.rdtype == dns.rdatatype.A:
            addresses |= {r.address for r in rrset}
    if any(a.startswith("6.") for a in addresses):
        return "poisoned"
    return "correct" if addresses == ({"10.9.9.9"} if small else GENUINE_BIG) else "failed"


def ask(server, name, direct):
    query = dns.message.make_query(name, "A", use_edns=0, payload=4096 if direct else 1232)
    if direct:
        query.flags = 0  # RD off: an authoritative question.
        return dns.query.udp(query, server, timeout=6, ignore_unexpected=True)
    return dns.query.tcp(query, server, timeout=6)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("tag")
    parser.add_argument("count", type=int)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--direct", action="store_true")
    parser.add_argument("--deadline", type=float, default=300)
    args = parser.parse_args()
    counts = {"correct": 0, "poisoned": 0, "failed": 0}
    start = time.monotonic()
    for i in range(args.count):
        if time.monotonic() - start > args.deadline:
            counts["failed"] += args.count - i
            break
        name = f"{'s' if args.small else 'q'}{i}.{args.tag}.frag.atk."
        try:
            reply = ask(args.server, name, args.direct)
        except Exception:  # noqa: BLE001 - timeouts and resets count as failures
            reply = None
        counts[classify(reply, args.small)] += 1
    seconds = time.monotonic() - start
    print(f"correct={counts['correct']} poisoned={counts['poisoned']} failed={counts['failed']} seconds={seconds:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
