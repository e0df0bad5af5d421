#!/usr/bin/python3
"""Helpers for tests/integration/service.sh (docs/operations.md "Running as a service").

  notify SOCKET OUT DNS_ADDR METRICS_HOSTPORT
      Plays systemd's side of sd_notify(3): binds a unix datagram socket at SOCKET (mode 0666),
      writes every message to OUT ("msg <text with \\n as |>"). When READY=1 arrives it at once
      asks DNS_ADDR:53 an RD=0 query and GETs http://METRICS_HOSTPORT/ready, and writes
      "dns-at-ready RCODE|none" and "metrics-at-ready STATUS|none". Ends after STOPPING=1, or
      after 30 s.
  auth ADDR READY_FILE
      A tiny authoritative server on ADDR:53 (UDP) answering every A query with 192.0.2.53,
      TTL 300, until killed: an upstream for a forward zone, so that answers reach the cache.
      Writes "listening" to READY_FILE once bound.
"""
import os
import socket
import sys
import time
import urllib.request

import dns.exception
import dns.flags
import dns.message
import dns.rdatatype
import dns.rcode
import dns.rrset


def ask_dns(address):
    query = dns.message.make_query("ready.invalid.", "A")
    query.flags &= ~dns.flags.RD  # RD=0: answered REFUSED without any upstream.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        try:
            s.sendto(query.to_wire(), (address, 53))
            reply = dns.message.from_wire(s.recv(4096))
        except (OSError, dns.exception.DNSException):
            return "none"
    return dns.rcode.to_text(reply.rcode())


def ask_metrics(hostport):
    try:
        with urllib.request.urlopen("http://%s/ready" % hostport, timeout=1.0) as reply:
            return str(reply.status)
    except urllib.error.HTTPError as e:
        return str(e.code)
    except OSError:
        return "none"


def notify(path, out_path, dns_address, metrics):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    sock.settimeout(0.5)
    deadline = time.monotonic() + 30
    with open(out_path, "w", buffering=1) as out:
        out.write("listening\n")
        while time.monotonic() < deadline:
            try:
                data = sock.recv(4096).decode("utf-8", "replace")
            except socket.timeout:
                continue
            out.write("msg %s\n" % data.replace("\n", "|"))
            fields = data.split("\n")
            if "READY=1" in fields:
                out.write("dns-at-ready %s\n" % ask_dns(dns_address))
                out.write("metrics-at-ready %s\n" % ask_metrics(metrics))
            if "STOPPING=1" in fields:
                break
        out.write("done\n")


def auth(address, ready_file):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, 53))
    with open(ready_file, "w") as ready:
        ready.write("listening\n")
    while True:
        data, peer = sock.recvfrom(4096)
        try:
            query = dns.message.from_wire(data)
        except dns.exception.DNSException:
            continue
        reply = dns.message.make_response(query)
        reply.flags |= dns.flags.AA
        question = query.question[0]
        if question.rdtype == dns.rdatatype.A:
            reply.answer.append(dns.rrset.from_text(question.name, 300, "IN", "A", "192.0.2.53"))
        sock.sendto(reply.to_wire(), peer)


if __name__ == "__main__":
    if sys.argv[1:2] == ["notify"] and len(sys.argv) == 6:
        notify(*sys.argv[2:])
    elif sys.argv[1:2] == ["auth"] and len(sys.argv) == 4:
        auth(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
