// The field types that RDATA is made of.
//
// Each record type (rdata/*.h) lists its fields once, in wire order, with REDOUBT_RDATA_FIELDS.
// Visitors then give each field type its meaning in one context: wire reading and writing
// (rdata/wire_codec.h), canonical form (RFC 4034 section 6.2), and presentation text
// (presentation.h). Adding a record type means writing one struct; adding a context means one
// visitor. This is PowerDNS's xfrPacket idea without macros in the visitors.
//
// Field types and their wire form:
//   uint8_t / uint16_t / uint32_t  network-order integers
//   RrType                         16-bit type code (text: mnemonic)
//   DnssecAlgorithm                8-bit algorithm number (text: decimal; read: decimal or
//                                  mnemonic, RFC 4034 sections 2.2, 3.2, 5.3)
//   Name                           a domain name (compression rules per record type, NameRules)
//   Ipv4Address / Ipv6Address      4 / 16 octets
//   CharString                     <length octet><octets>, RFC 1035 section 3.3
//   TokenString                    as CharString, printed without quotes (CAA tag)
//   CharStringList                 one or more CharStrings up to the end of RDATA (TXT)
//   Base64Rest / HexRest           all octets to the end of RDATA (text: base64 / hex)
//   TextRest                       all octets to the end of RDATA (text: a quoted string; CAA)
//   HexU8                          <length octet><octets> (text: hex, "-" when empty; NSEC3 salt)
//   Base32HexU8                    <length octet><octets> (text: base32hex; NSEC3 next owner)
//   TypeBitmap                     RFC 4034 section 4.1.2 windowed bitmap to the end of RDATA
//   NxtBitmap                      RFC 2535 section 5.2 flat bitmap to the end of RDATA
//   Time32                         32-bit seconds since the epoch (text: YYYYMMDDHHMMSS)
//   Time48                         48-bit seconds since the epoch (TSIG, RFC 8945 section 4.2)
//   BlobU16                        <16-bit length><octets> (text: "<length> <base64>")
//   SvcParams                      RFC 9460 section 2.2 key/length/value list to the end
//   EdnsOptionList                 RFC 6891 section 6.1.2 code/length/data list to the end
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"
#include "net/dns/types.h"

namespace redoubt::dns {

struct Ipv4Address {
  std::array<uint8_t, 4> bytes{};
  friend bool operator==(const Ipv4Address&, const Ipv4Address&) = default;
};
struct Ipv6Address {
  std::array<uint8_t, 16> bytes{};
  friend bool operator==(const Ipv6Address&, const Ipv6Address&) = default;
};
// At most 255 octets (checked when read or written).
struct CharString {
  std::string value;
  friend bool operator==(const CharString&, const CharString&) = default;
};
// A character-string printed as a bare token (the CAA tag, RFC 8659 section 4.1.1).
struct TokenString {
  std::string value;
  friend bool operator==(const TokenString&, const TokenString&) = default;
};
struct CharStringList {
  std::vector<std::string> values;
  friend bool operator==(const CharStringList&, const CharStringList&) = default;
};
struct Base64Rest {
  std::vector<uint8_t> bytes;
  friend bool operator==(const Base64Rest&, const Base64Rest&) = default;
};
struct HexRest {
  std::vector<uint8_t> bytes;
  friend bool operator==(const HexRest&, const HexRest&) = default;
};
struct TextRest {
  std::string value;
  friend bool operator==(const TextRest&, const TextRest&) = default;
};
struct HexU8 {
  std::vector<uint8_t> bytes;
  friend bool operator==(const HexU8&, const HexU8&) = default;
};
struct Base32HexU8 {
  std::vector<uint8_t> bytes;
  friend bool operator==(const Base32HexU8&, const Base32HexU8&) = default;
};
// Types present, kept sorted ascending and unique by the codecs.
struct TypeBitmap {
  std::vector<RrType> types;
  bool Contains(RrType t) const noexcept;
  friend bool operator==(const TypeBitmap&, const TypeBitmap&) = default;
};
// Types present (all below 128), sorted ascending and unique.
struct NxtBitmap {
  std::vector<RrType> types;
  bool Contains(RrType t) const noexcept;
  friend bool operator==(const NxtBitmap&, const NxtBitmap&) = default;
};
struct Time32 {
  uint32_t value = 0;
  friend bool operator==(const Time32&, const Time32&) = default;
};
struct Time48 {
  uint64_t value = 0;
  friend bool operator==(const Time48&, const Time48&) = default;
};
struct BlobU16 {
  std::vector<uint8_t> bytes;
  friend bool operator==(const BlobU16&, const BlobU16&) = default;
};
// SvcParam keys (RFC 9460 section 14.3.2).
enum class SvcParamKey : uint16_t {
  mandatory = 0, alpn = 1, no_default_alpn = 2, port = 3, ipv4hint = 4, ech = 5, ipv6hint = 6,
  dohpath = 7, ohttp = 8,
};
struct SvcParam {
  uint16_t key = 0;
  std::vector<uint8_t> value;  // Wire form of the value.
  friend bool operator==(const SvcParam&, const SvcParam&) = default;
};
// Keys strictly ascending (RFC 9460 section 2.2).
struct SvcParams {
  std::vector<SvcParam> params;
  friend bool operator==(const SvcParams&, const SvcParams&) = default;
};
struct EdnsOption {
  uint16_t code = 0;
  std::vector<uint8_t> data;
  friend bool operator==(const EdnsOption&, const EdnsOption&) = default;
};
struct EdnsOptionList {
  std::vector<EdnsOption> options;
  friend bool operator==(const EdnsOptionList&, const EdnsOptionList&) = default;
};

// How a record type's embedded names are treated (bit set).
enum NameRules : uint8_t {
  kNamesPlain = 0,
  // Names may be compressed when writing a message: only the RFC 1035 types (RFC 3597 section 4).
  kNamesCompress = 1,
  // Compressed names are accepted on receipt: the RFC 1035 types plus RP, AFSDB, RT, SIG, PX,
  // NXT, NAPTR, SRV (RFC 3597 section 4). Every other type with a pointer is malformed.
  kNamesDecompress = 2,
  // Names are lowercased in canonical form: RFC 4034 section 6.2 as amended by RFC 6840 5.1.
  kNamesLowercase = 4,
};
inline constexpr uint8_t kNamesRfc1035 = kNamesCompress | kNamesDecompress | kNamesLowercase;

// Calls v.Field(f) for each field in order and stops at the first failure.
template <class Visitor>
struct FieldVisitor {
  template <class... F>
  Status operator()(F&... fields) {
    Status status;
    ((status = static_cast<Visitor*>(this)->Field(fields), status.has_value()) && ...);
    return status;
  }
};

}  // namespace redoubt::dns

// Declares a record type's fields, in wire order, once. Gives Fields(visitor) for mutable and
// const access, and member-wise equality.
#define REDOUBT_RDATA_FIELDS(Type, ...)                                           \
  template <class V>                                                              \
  ::redoubt::Status Fields(V& v) {                                                \
    return v(__VA_ARGS__);                                                        \
  }                                                                               \
  template <class V>                                                              \
  ::redoubt::Status Fields(V& v) const {                                          \
    return v(__VA_ARGS__);                                                        \
  }                                                                               \
  friend bool operator==(const Type&, const Type&) = default
