#!/usr/bin/env python3
"""A small authoritative responder for the lab's misbehaving servers (Python standard library).

--silent: reads every query over UDP and TCP and never answers (a dead server).
--delay S --zone FILE --origin NAME: answers from a tiny zone (SOA, NS, A records written by
tests/lab/lib/zones.sh) after S seconds (a slow server). NXDOMAIN and NODATA carry the SOA.
--spoof: over UDP, before the real answer (sent 50 ms later), sends a forged reply carrying
the poisoned address 6.6.6.6, chosen by the query's first label: "id" a wrong DNS ID,
"question" another question, "case" the question in different letter case (a 0x20 miss),
"port" the right reply from another source port. Over TCP it answers truthfully.
It binds only the one loopback address it is given.
"""
import argparse
import asyncio
import socket
import struct

TYPES = {"A": 1, "NS": 2, "SOA": 6}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def absolute(name, origin):
    if name == "@":
        return origin
    return name if name.endswith(".") else name + "." + origin


def load_zone(path, origin):
    """Returns {(owner_lower, type): [(ttl, rdata_bytes)]} for SOA, NS and A lines."""
    records, ttl = {}, 3600
    with open(path) as f:
        for line in f:
            line = line.split(";")[0].strip()
            if not line:
                continue
            if line.startswith("$TTL"):
                ttl = int(line.split()[1])
                continue
            if line.startswith("$"):
                continue
            fields = line.split()
            owner, rtype, data = absolute(fields[0], origin), fields[1], fields[2:]
            if rtype == "A":
                rdata = bytes(int(x) for x in data[0].split("."))
            elif rtype == "NS":
                rdata = encode_name(absolute(data[0], origin))
            elif rtype == "SOA":
                rdata = encode_name(absolute(data[0], origin)) + encode_name(absolute(data[1], origin))
                rdata += struct.pack("!5I", *(int(x) for x in data[2:7]))
            else:
                continue
            records.setdefault((owner.lower(), TYPES[rtype]), []).append((ttl, rdata))
    return records


def parse_question(query):
    """Returns (id, flags, qname, qtype, question_bytes) or None for anything malformed."""
    if len(query) < 12:
        return None
    qid, flags, qdcount, _, _, arcount = struct.unpack("!6H", query[:12])
    if qdcount != 1 or flags & 0x8000:
        return None
    pos, labels = 12, []
    while pos < len(query) and query[pos] != 0:
        length = query[pos]
        if length > 63 or pos + 1 + length > len(query):
            return None
        labels.append(query[pos + 1:pos + 1 + length].decode("latin-1"))
        pos += 1 + length
    if pos + 5 > len(query):
        return None
    qtype = struct.unpack("!H", query[pos + 1:pos + 3])[0]
    return qid, flags, ".".join(labels) + ".", qtype, query[12:pos + 5], arcount > 0


def answer(query, zone, origin):
    parsed = parse_question(query)
    if parsed is None:
        return None
    qid, flags, qname, qtype, question, edns = parsed
    key = qname.lower()
    in_zone = key == origin.lower() or key.endswith("." + origin.lower())
    names = {owner for owner, _ in zone}
    rcode, answers, authority = 0, [], []
    if not in_zone:
        rcode = 5  # REFUSED
    elif (key, qtype) in zone:
        answers = [(qname, qtype, ttl, rdata) for ttl, rdata in zone[(key, qtype)]]
    else:
        if key not in names:
            rcode = 3
        authority = [(origin, 6, ttl, rdata) for ttl, rdata in zone[(origin.lower(), 6)]]
    out_flags = 0x8000 | (0x0400 if in_zone else 0) | (flags & 0x0100) | rcode
    msg = struct.pack("!6H", qid, out_flags, 1, len(answers), len(authority), 1 if edns else 0)
    msg += question
    for owner, rtype, ttl, rdata in answers + authority:
        msg += encode_name(owner) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata
    if edns:  # Answer EDNS with EDNS (RFC 6891 section 7), as a well-behaved server does.
        msg += b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)
    return msg


POISON = bytes([6, 6, 6, 6])


def forged(query, zone, origin):
    """The forgery for this query (see --spoof), or None when its first label names none."""
    parsed = parse_question(query)
    real = answer(query, zone, origin)
    if parsed is None or real is None:
        return None
    qid, _, qname, _, question, _ = parsed
    kind = qname.split(".")[0].lower()
    # Put the poison in place of the real answer's address (the A record after the question).
    pos = real.rfind(bytes([0, 1, 0, 1]))  # TYPE A, CLASS IN
    if pos > 12 + len(question):
        rdata = pos + 4 + 4 + 2  # type, class, TTL, RDLENGTH
        real = real[:rdata] + POISON + real[rdata + 4:]
    header, body = real[:12], real[12:]
    if kind == "id":
        return struct.pack("!H", (qid + 1) & 0xFFFF) + header[2:] + body
    if kind == "question":
        other = b"\x05other" + question
        return header + other + body[len(question):]
    if kind == "case":
        name, tail = question[:-4], question[-4:]
        flipped = bytes(c ^ 0x20 if chr(c).isalpha() else c for c in name) + tail
        return header + flipped + body[len(question):]
    if kind == "port":
        return header + body
    return None


class Udp(asyncio.DatagramProtocol):
    def __init__(self, args, zone):
        self.args, self.zone = args, zone

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if self.args.silent:
            return
        reply = answer(data, self.zone, self.args.origin)
        if reply is None:
            return
        delay = self.args.delay
        if self.args.spoof:
            fake = forged(data, self.zone, self.args.origin)
            if fake is not None:
                kind = parse_question(data)[2].split(".")[0].lower()
                if kind == "port":  # From another socket: another source port.
                    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    other.bind((self.args.address, 0))
                    other.sendto(fake, addr)
                    other.close()
                else:
                    self.transport.sendto(fake, addr)
                delay = max(delay, 0.05)
        asyncio.get_running_loop().call_later(delay, self.transport.sendto, reply, addr)


async def tcp_client(reader, writer, args, zone):
    try:
        while True:
            size = struct.unpack("!H", await reader.readexactly(2))[0]
            query = await reader.readexactly(size)
            if args.silent:
                continue
            reply = answer(query, zone, args.origin)
            if reply is None:
                break
            await asyncio.sleep(args.delay)
            writer.write(struct.pack("!H", len(reply)) + reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--spoof", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--zone")
    parser.add_argument("--origin", default=".")
    args = parser.parse_args()
    if not args.address.startswith("127."):
        raise SystemExit("responder: only loopback addresses are allowed")
    zone = {} if args.silent else load_zone(args.zone, args.origin)
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: Udp(args, zone), local_addr=(args.address, args.port))
    server = await asyncio.start_server(lambda r, w: tcp_client(r, w, args, zone), args.address, args.port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
