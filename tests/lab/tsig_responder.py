#!/usr/bin/python3
"""A TSIG responder (RFC 8945) that misbehaves on purpose, for tests/integration/tsig_misbehaving.sh.

Run it with /usr/bin/python3 (it needs dnspython, the Debian package python3-dnspython):

  tsig_responder.py --address 127.55.0.2 --port 53 --zone tsig.test. \
      --key-name fwd.tsig.test. --algorithm hmac-sha256 --secret BASE64 --log FILE

It binds the one address and port given, UDP and TCP (several queries per TCP connection),
knows one key, and serves a tiny zone: every name <label>.<zone> has "A 192.0.2.1" (other
types: NODATA with the SOA; names outside the zone: REFUSED). The query's TSIG is verified
with dnspython; a query that does not verify gets what a server sends (NOTAUTH with an unsigned
BADKEY or BADSIG). Replies are signed by the code below (RFC 8945 section 4.3: Request MAC,
message, TSIG variables), checked at start against dnspython's verifier (--self-test exits
after that check).

The behaviour is chosen by the query's first label (lower case; any other label is "good"),
or for every query by --mode:

  good         a correct signed reply (the positive control)
  unsigned     a reply with no TSIG                                   (security.md D2)
  badmac       the MAC with bits flipped                              (D3)
  replay       a correct MAC but over another request MAC, as a genuine reply to another
               query would carry                                      (D9)
  wrongkey     signed correctly, but under another key name           (D4)
  truncmac     the MAC truncated to 8 octets, below max(10, L/2)      (D7)
  truncmac16   the MAC truncated to 16 octets: allowed by the RFC, refused by redoubt's
               full-length policy                                     (D7)
  longmac      40 octets of MAC for hmac-sha256 (too long)            (D8)
  badtime      signed correctly at a time 1 hour in the past (outside the fudge) (D5)
  notlast      signed, then a record added after the TSIG             (D10)
  badkey       NOTAUTH, TSIG error BADKEY, no MAC, question kept (BIND style)   (D6)
  badkeynoq    the same without the question (NSD style)              (D6)
  srvbadtime   NOTAUTH, TSIG error BADTIME signed with the request MAC, Other Data = a server
               clock 1 hour ahead                                     (D6)
  forgedfirst  over UDP an unsigned forged reply (A 6.6.6.6) at once, then 50 ms later the
               correct signed reply; over TCP the correct reply       (D13)
  tcpok        over UDP as badmac, over TCP correct                   (D2, TCP retry)

Over TCP every mode misbehaves as over UDP except forgedfirst and tcpok.

Each query is logged as one line to --log (flushed at once):
  PROTO QNAME QTYPE mode=MODE req=ok|REASON sent=WHAT
where QNAME is in lower case and WHAT names the first reply sent: good, unsigned, badmac,
otherkey, malformed, badtime, servererror, forged (an unsigned reply), refused-request. The
line "ready ADDRESS PORT" is written once both sockets are bound.
"""
import argparse
import base64
import hashlib
import hmac
import os
import socket
import struct
import sys
import threading
import time

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsig

HASHES = {
    "hmac-md5.sig-alg.reg.int.": hashlib.md5,
    "hmac-sha1.": hashlib.sha1,
    "hmac-sha224.": hashlib.sha224,
    "hmac-sha256.": hashlib.sha256,
    "hmac-sha384.": hashlib.sha384,
    "hmac-sha512.": hashlib.sha512,
}
BADSIG, BADKEY, BADTIME = 16, 17, 18
TSIG_TYPE, CLASS_ANY = 250, 255
FUDGE = 300
ANSWER, FORGED, EXTRA = "192.0.2.1", "6.6.6.6", "192.0.2.99"

# What the first reply of each mode is, for the log (redoubt's counters are checked against it).
SENT = {
    "good": "good", "unsigned": "unsigned", "badmac": "badmac", "replay": "badmac",
    "wrongkey": "otherkey", "truncmac": "malformed", "truncmac16": "malformed",
    "longmac": "malformed", "badtime": "badtime", "notlast": "malformed",
    "badkey": "servererror", "badkeynoq": "servererror", "srvbadtime": "servererror",
    "forgedfirst": "forged", "tcpok": "badmac",
}
TCP_GOOD = {"forgedfirst", "tcpok"}


def algorithm_name(text):
    text = text.lower()
    if not text.endswith("."):
        text += "."
    if text == "hmac-md5.":
        text = "hmac-md5.sig-alg.reg.int."
    if text not in HASHES:
        sys.exit(f"tsig_responder: unknown algorithm {text}")
    return text


def canonical(name):
    """A name's wire form in lower case, uncompressed (RFC 8945 section 4.3.3)."""
    return dns.name.from_text(name).canonicalize().to_wire() if isinstance(name, str) \
        else name.canonicalize().to_wire()


def time48(t):
    return struct.pack("!HI", (t >> 32) & 0xFFFF, t & 0xFFFFFFFF)


class Signer:
    """Signs replies by hand, so that every field can be made wrong on purpose."""

    def __init__(self, key_name, algorithm, secret):
        self.key_name = key_name  # text, absolute
        self.algorithm = algorithm  # text, absolute, lower case
        self.secret = secret
        self.hash = HASHES[algorithm]

    def mac(self, message, request_mac, time_signed, fudge=FUDGE, error=0, other=b"", key_name=None):
        """RFC 8945 section 4.3: [Request MAC] . DNS Message . TSIG Variables."""
        data = b""
        if request_mac is not None:
            data += struct.pack("!H", len(request_mac)) + request_mac
        data += message
        data += canonical(key_name or self.key_name) + struct.pack("!HI", CLASS_ANY, 0)
        data += canonical(self.algorithm) + time48(time_signed)
        data += struct.pack("!HHH", fudge, error, len(other)) + other
        return hmac.new(self.secret, data, self.hash).digest()

    def record(self, mac, original_id, time_signed, fudge=FUDGE, error=0, other=b"", key_name=None):
        rdata = canonical(self.algorithm) + time48(time_signed) + struct.pack("!HH", fudge, len(mac)) + mac
        rdata += struct.pack("!HHH", original_id, error, len(other)) + other
        owner = canonical(key_name or self.key_name)
        return owner + struct.pack("!HHIH", TSIG_TYPE, CLASS_ANY, 0, len(rdata)) + rdata


def append_records(message, records, count):
    """Appends raw RRs to the additional section: ARCOUNT += count."""
    (arcount,) = struct.unpack("!H", message[10:12])
    return message[:10] + struct.pack("!H", arcount + count) + message[12:] + records


def parse_question(wire):
    """ID, flags, and the first question (name, type) of a query that dnspython refused."""
    if len(wire) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", wire[:6])
    if qdcount < 1:
        return None
    try:
        name, used = dns.name.from_wire(wire, 12)
        qtype, qclass = struct.unpack("!HH", wire[12 + used:16 + used])
    except Exception:
        return None
    return qid, flags, name, qtype, qclass


class Responder:
    def __init__(self, args):
        self.zone = dns.name.from_text(args.zone)
        self.key_name = dns.name.from_text(args.key_name)
        self.algorithm = algorithm_name(args.algorithm)
        self.secret = base64.b64decode(args.secret, validate=True)
        self.signer = Signer(self.key_name.to_text(), self.algorithm, self.secret)
        self.keyring = {self.key_name: dns.tsig.Key(self.key_name, self.secret, self.algorithm)}
        self.mode = args.mode
        self.log_lock = threading.Lock()
        self.log = open(args.log, "a") if args.log else sys.stdout

    def write_log(self, line):
        with self.log_lock:
            self.log.write(line + "\n")
            self.log.flush()

    # --- the reply, before any TSIG ------------------------------------------------------------

    def render(self, query, address=ANSWER, rcode=dns.rcode.NOERROR, question=True, flags_extra=0):
        reply = dns.message.Message(id=query.id)
        reply.flags = dns.flags.QR | (query.flags & dns.flags.RD) | flags_extra
        reply.set_opcode(query.opcode())
        if question:
            reply.question = list(query.question)
        if query.edns >= 0:
            reply.use_edns(0, 0, 1232)
        reply.set_rcode(rcode)
        if rcode == dns.rcode.NOERROR and query.question:
            q = query.question[0]
            if not q.name.is_subdomain(self.zone):
                reply.set_rcode(dns.rcode.REFUSED)
            else:
                reply.flags |= dns.flags.AA
                if q.rdtype == dns.rdatatype.A and q.name != self.zone:
                    reply.answer.append(dns.rrset.from_text(q.name, 300, "IN", "A", address))
                else:
                    soa = f"ns.{self.zone} hostmaster.{self.zone} 1 3600 600 86400 300"
                    reply.authority.append(dns.rrset.from_text(self.zone, 300, "IN", "SOA", soa))
        return reply.to_wire()

    # --- the modes -----------------------------------------------------------------------------

    def signed(self, message, request_mac, time_signed=None, mac_length=None, corrupt=False,
               key_name=None, error=0, other=b"", sign_over=None):
        """`message` with a TSIG appended; the MAC optionally truncated, lengthened or damaged."""
        now = int(time.time()) if time_signed is None else time_signed
        (original_id,) = struct.unpack("!H", message[:2])
        mac = self.signer.mac(message, request_mac if sign_over is None else sign_over, now,
                              error=error, other=other, key_name=key_name)
        if mac_length is not None:
            mac = (mac + os.urandom(64))[:mac_length]
        if corrupt:
            mac = bytes([mac[0] ^ 0x80]) + mac[1:-1] + bytes([mac[-1] ^ 0x01])
        return append_records(message, self.signer.record(mac, original_id, now, error=error, other=other,
                                                          key_name=key_name), 1)

    def server_error(self, query, error, question=True):
        """NOTAUTH with an unsigned TSIG error (RFC 8945 section 5.3.2: BADKEY, BADSIG)."""
        message = self.render(query, rcode=dns.rcode.NOTAUTH, question=question)
        (original_id,) = struct.unpack("!H", message[:2])
        return append_records(message, self.signer.record(b"", original_id, int(time.time()), error=error), 1)

    def replies(self, mode, query, request_mac, proto):
        """[(delay in seconds, wire)] for one query."""
        if proto == "tcp" and mode in TCP_GOOD:
            mode = "good"
        if mode == "tcpok":
            mode = "badmac"
        now = int(time.time())
        if mode == "unsigned":
            return [(0, self.render(query))]
        if mode == "badmac":
            return [(0, self.signed(self.render(query), request_mac, corrupt=True))]
        if mode == "replay":
            return [(0, self.signed(self.render(query), request_mac, sign_over=os.urandom(len(request_mac))))]
        if mode == "wrongkey":
            return [(0, self.signed(self.render(query), request_mac, key_name="other-key." + str(self.zone)))]
        if mode == "truncmac":
            return [(0, self.signed(self.render(query), request_mac, mac_length=8))]
        if mode == "truncmac16":
            return [(0, self.signed(self.render(query), request_mac, mac_length=16))]
        if mode == "longmac":
            return [(0, self.signed(self.render(query), request_mac, mac_length=40))]
        if mode == "badtime":
            return [(0, self.signed(self.render(query), request_mac, time_signed=now - 3600))]
        if mode == "notlast":
            message = self.signed(self.render(query), request_mac)
            extra = canonical("extra." + str(self.zone)) + struct.pack("!HHIH", 1, 1, 300, 4)
            extra += socket.inet_aton(EXTRA)
            return [(0, append_records(message, extra, 1))]
        if mode == "badkey":
            return [(0, self.server_error(query, BADKEY))]
        if mode == "badkeynoq":
            return [(0, self.server_error(query, BADKEY, question=False))]
        if mode == "srvbadtime":
            # Signed with the request MAC; Time Signed and Fudge are the request's (section 5.2.3).
            tsig = query.tsig[0]
            message = self.render(query, rcode=dns.rcode.NOTAUTH)
            (original_id,) = struct.unpack("!H", message[:2])
            other = time48(now + 3600)
            mac = self.signer.mac(message, request_mac, tsig.time_signed, fudge=tsig.fudge, error=BADTIME,
                                  other=other)
            record = self.signer.record(mac, original_id, tsig.time_signed, fudge=tsig.fudge, error=BADTIME,
                                        other=other)
            return [(0, append_records(message, record, 1))]
        if mode == "forgedfirst":
            return [(0, self.render(query, address=FORGED)),
                    (0.05, self.signed(self.render(query), request_mac))]
        return [(0, self.signed(self.render(query), request_mac))]

    def handle(self, wire, proto):
        """[(delay, reply wire)] for a query, and logs it."""
        try:
            query = dns.message.from_wire(wire, keyring=self.keyring)
        except Exception as e:
            # What a server does with a query it cannot verify (RFC 8945 section 5.2).
            reason = type(e).__name__
            parsed = parse_question(wire)
            if parsed is None:
                self.write_log(f"{proto} - - mode=- req={reason} sent=nothing")
                return []
            qid, flags, name, qtype, qclass = parsed
            error = BADKEY if "Key" in reason else BADSIG
            header = struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x0100) | dns.rcode.NOTAUTH, 1, 0, 0, 0)
            message = header + name.to_wire() + struct.pack("!HH", qtype, qclass)
            reply = append_records(message, self.signer.record(b"", qid, int(time.time()), error=error), 1)
            self.write_log(f"{proto} {name.to_text().lower()} {dns.rdatatype.to_text(qtype)} mode=- "
                           f"req={reason} sent=refused-request")
            return [(0, reply)]
        if not query.question:
            self.write_log(f"{proto} - - mode=- req=noquestion sent=nothing")
            return []
        q = query.question[0]
        if not query.had_tsig:
            mode, req = "unsigned-query", "unsigned"
            reply = self.render(query)
            self.write_log(f"{proto} {q.name.to_text().lower()} {dns.rdatatype.to_text(q.rdtype)} mode=- "
                           f"req={req} sent=unsigned")
            return [(0, reply)]
        label = q.name.labels[0].decode("ascii", "replace").lower() if q.name.labels else ""
        mode = self.mode or (label if label in SENT else "good")
        sent = "good" if (proto == "tcp" and mode in TCP_GOOD) else SENT[mode]
        replies = self.replies(mode, query, query.mac, proto)
        self.write_log(f"{proto} {q.name.to_text().lower()} {dns.rdatatype.to_text(q.rdtype)} mode={mode} "
                       f"req=ok sent={sent}")
        return replies

    # --- transports ----------------------------------------------------------------------------

    def serve_udp(self, sock):
        while True:
            wire, peer = sock.recvfrom(65535)
            try:
                replies = self.handle(wire, "udp")
            except Exception as e:  # Never die on one query.
                self.write_log(f"udp - - mode=- req=error:{type(e).__name__}:{e} sent=nothing")
                continue
            for delay, reply in replies:
                if delay:
                    threading.Timer(delay, sock.sendto, (reply, peer)).start()
                else:
                    sock.sendto(reply, peer)

    def serve_tcp_connection(self, conn):
        conn.settimeout(30)
        try:
            while True:
                head = self.read_exactly(conn, 2)
                if head is None:
                    return
                (length,) = struct.unpack("!H", head)
                wire = self.read_exactly(conn, length)
                if wire is None:
                    return
                try:
                    replies = self.handle(wire, "tcp")
                except Exception as e:
                    self.write_log(f"tcp - - mode=- req=error:{type(e).__name__}:{e} sent=nothing")
                    continue
                for delay, reply in replies:
                    if delay:
                        time.sleep(delay)
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return
        finally:
            conn.close()

    @staticmethod
    def read_exactly(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def serve_tcp(self, sock):
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=self.serve_tcp_connection, args=(conn,), daemon=True).start()

    # --- the start-up check --------------------------------------------------------------------

    def self_test(self):
        """The hand-made signature of a good reply must verify under dnspython, and a damaged one
        must not: "good" is a true positive control, "badmac" a true negative."""
        query = dns.message.make_query("good." + str(self.zone), "A")
        query.use_tsig(self.keyring, keyname=self.key_name, algorithm=self.algorithm)
        wire = query.to_wire()
        parsed = dns.message.from_wire(wire, keyring=self.keyring)
        for mode, must_verify in (("good", True), ("badmac", False), ("badtime", False), ("replay", False)):
            (_, reply), = self.replies(mode, parsed, parsed.mac, "udp")
            try:
                dns.message.from_wire(reply, keyring=self.keyring, request_mac=parsed.mac)
                verified = True
            except Exception:
                verified = False
            if verified != must_verify:
                sys.exit(f"tsig_responder: self-test failed: mode {mode} verified={verified} under dnspython")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--zone", default="tsig.test.")
    parser.add_argument("--key-name", required=True)
    parser.add_argument("--algorithm", default="hmac-sha256")
    parser.add_argument("--secret", required=True, help="the key's secret in base64")
    parser.add_argument("--mode", choices=sorted(SENT), help="one behaviour for every query")
    parser.add_argument("--log", help="query log (default: standard output)")
    parser.add_argument("--self-test", action="store_true", help="check the signer and exit")
    args = parser.parse_args()
    responder = Responder(args)
    responder.self_test()
    if args.self_test:
        print("tsig_responder: self-test ok")
        return
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp.bind((args.address, args.port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((args.address, args.port))
    tcp.listen(16)
    threading.Thread(target=responder.serve_tcp, args=(tcp,), daemon=True).start()
    responder.write_log(f"ready {args.address} {args.port}")
    responder.serve_udp(udp)


if __name__ == "__main__":
    main()
