// The 12-octet DNS message header (RFC 1035 section 4.1.1; AD and CD from RFC 4035 section 3.2).
//
//                                 1  1  1  1  1  1
//   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                      ID                       |
// |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
// |                    QDCOUNT                    |
// |                    ANCOUNT                    |
// |                    NSCOUNT                    |
// |                    ARCOUNT                    |
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
#pragma once

#include <cstdint>

#include "net/base/result.h"
#include "net/dns/types.h"
#include "net/dns/wire_reader.h"
#include "net/dns/wire_writer.h"

namespace redoubt::dns {

struct Header {
  uint16_t id = 0;
  bool qr = false;
  Opcode opcode = Opcode::QUERY;
  bool aa = false;
  bool tc = false;
  bool rd = false;
  bool ra = false;
  bool z = false;
  bool ad = false;
  bool cd = false;
  uint8_t rcode = 0;  // Low 4 bits; the high bits travel in OPT (RFC 6891 section 6.1.3).
  uint16_t qdcount = 0;
  uint16_t ancount = 0;
  uint16_t nscount = 0;
  uint16_t arcount = 0;

  // The 16-bit flags word (second header field).
  uint16_t Flags() const noexcept;
  void SetFlags(uint16_t flags) noexcept;

  // Reads 12 octets; kTruncated when fewer remain.
  static Result<Header> Read(WireReader& reader);
  Status Write(WireWriter& writer) const;
  // Overwrites the first 12 octets already written (a placeholder) with this header.
  void Patch(WireWriter& writer) const;

  friend bool operator==(const Header&, const Header&) = default;
};

inline uint16_t Header::Flags() const noexcept {
  return static_cast<uint16_t>((qr ? 0x8000 : 0) | (static_cast<unsigned>(opcode) & 0xF) << 11 |
                               (aa ? 0x0400 : 0) | (tc ? 0x0200 : 0) | (rd ? 0x0100 : 0) |
                               (ra ? 0x0080 : 0) | (z ? 0x0040 : 0) | (ad ? 0x0020 : 0) |
                               (cd ? 0x0010 : 0) | (rcode & 0xF));
}

inline void Header::SetFlags(uint16_t f) noexcept {
  qr = f & 0x8000;
  opcode = static_cast<Opcode>((f >> 11) & 0xF);
  aa = f & 0x0400;
  tc = f & 0x0200;
  rd = f & 0x0100;
  ra = f & 0x0080;
  z = f & 0x0040;
  ad = f & 0x0020;
  cd = f & 0x0010;
  rcode = static_cast<uint8_t>(f & 0xF);
}

inline Result<Header> Header::Read(WireReader& reader) {
  if (reader.remaining() < kHeaderSize) return Fail(Errc::kTruncated, static_cast<uint32_t>(reader.offset()));
  Header h;
  h.id = *reader.U16();
  h.SetFlags(*reader.U16());
  h.qdcount = *reader.U16();
  h.ancount = *reader.U16();
  h.nscount = *reader.U16();
  h.arcount = *reader.U16();
  return h;
}

inline Status Header::Write(WireWriter& writer) const {
  if (writer.Available() < kHeaderSize) return Fail(Errc::kBufferFull);
  for (uint16_t v : {id, Flags(), qdcount, ancount, nscount, arcount}) RETURN_IF_ERROR(writer.U16(v));
  return {};
}

inline void Header::Patch(WireWriter& writer) const {
  size_t at = 0;
  for (uint16_t v : {id, Flags(), qdcount, ancount, nscount, arcount}) {
    writer.PatchU16(at, v);
    at += 2;
  }
}

}  // namespace redoubt::dns
