// EDNS(0) (RFC 6891): the OPT pseudo-record's fields and typed options.
//
// OPT RR layout: owner "." | TYPE 41 | CLASS = requester's UDP payload size |
//                TTL = EXTENDED-RCODE(8) VERSION(8) DO(1) Z(15) | RDLENGTH | options
// Each option: OPTION-CODE(16) OPTION-LENGTH(16) OPTION-DATA.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/message_view.h"
#include "net/dns/rdata/fields.h"
#include "net/dns/wire_writer.h"

namespace redoubt::dns {

inline constexpr uint16_t kDefaultEdnsBufferSize = 1232;  // DNS Flag Day 2020, RFC 9715.

struct Edns {
  uint16_t udp_size = kDefaultEdnsBufferSize;
  uint8_t extended_rcode = 0;  // High 8 bits of the 12-bit RCODE.
  uint8_t version = 0;
  bool dnssec_ok = false;      // DO bit (RFC 3225).
  uint16_t z = 0;              // The remaining 15 flag bits.
  std::vector<EdnsOption> options;

  // Options with this code, in order.
  std::vector<const EdnsOption*> Find(uint16_t code) const;
  friend bool operator==(const Edns&, const Edns&) = default;
};

// Reads the OPT record of a parsed message (RFC 6891 section 6.1.2). kBadEdnsOption when an
// option's length runs past RDLENGTH.
Result<Edns> ReadEdns(const MessageView& message, const RecordView& opt);
// The message's OPT, or nullopt when it has none.
Result<std::optional<Edns>> ReadEdns(const MessageView& message);
// Octets the OPT record takes on the wire.
size_t OptWireSize(const Edns& edns);
// Appends the OPT record. kBufferFull when it does not fit; kBadEdnsOption for an option over
// 65535 octets.
Status WriteOpt(WireWriter& writer, const Edns& edns);
// The 12-bit RCODE from the header's 4 bits and OPT's 8 (RFC 6891 section 6.1.3).
constexpr uint16_t FullRcode(uint8_t header_rcode, const Edns* edns) {
  return static_cast<uint16_t>((edns ? edns->extended_rcode << 4 : 0) | (header_rcode & 0xF));
}

// COOKIE (RFC 7873 section 4): an 8-octet client cookie and an optional 8..32-octet server one.
struct Cookie {
  std::array<uint8_t, 8> client{};
  std::vector<uint8_t> server;
  friend bool operator==(const Cookie&, const Cookie&) = default;
};
Result<Cookie> ParseCookie(std::span<const uint8_t> data);  // kBadEdnsOption on bad lengths.
EdnsOption MakeCookieOption(const Cookie& cookie);

// Extended DNS Errors (RFC 8914 section 2): INFO-CODE and optional UTF-8 EXTRA-TEXT.
struct ExtendedError {
  uint16_t info_code = 0;
  std::string extra_text;
  friend bool operator==(const ExtendedError&, const ExtendedError&) = default;
};
// Registered INFO-CODEs (RFC 8914 section 4 and the IANA registry).
enum class EdeCode : uint16_t {
  kOther = 0, kUnsupportedDnskeyAlgorithm = 1, kUnsupportedDsDigestType = 2, kStaleAnswer = 3,
  kForgedAnswer = 4, kDnssecIndeterminate = 5, kDnssecBogus = 6, kSignatureExpired = 7,
  kSignatureNotYetValid = 8, kDnskeyMissing = 9, kRrsigsMissing = 10, kNoZoneKeyBitSet = 11,
  kNsecMissing = 12, kCachedError = 13, kNotReady = 14, kBlocked = 15, kCensored = 16,
  kFiltered = 17, kProhibited = 18, kStaleNxdomainAnswer = 19, kNotAuthoritative = 20,
  kNotSupported = 21, kNoReachableAuthority = 22, kNetworkError = 23, kInvalidData = 24,
  kSignatureExpiredBeforeValid = 25, kTooEarly = 26, kUnsupportedNsec3Iterations = 27,
  kUnableToConformToPolicy = 28, kSynthesized = 29, kInvalidQueryType = 30,
};
// The registry's name for a code ("DNSSEC Bogus"), or "Unknown".
std::string_view EdeName(uint16_t info_code);
Result<ExtendedError> ParseExtendedError(std::span<const uint8_t> data);
EdnsOption MakeExtendedErrorOption(const ExtendedError& ede);

// Padding (RFC 7830): `length` zero octets.
EdnsOption MakePaddingOption(size_t length);
// Padding length that brings a message of `message_size` octets (including this option's 4
// header octets) to a multiple of `block` (RFC 8467 section 4.1: 468 for responses, 128 for
// queries).
size_t PaddingFor(size_t message_size, size_t block);

// Client Subnet (RFC 7871 section 6): the address holds ceil(source_prefix/8) octets and every
// bit beyond source_prefix is zero; family 1 (IPv4, prefix <= 32) or 2 (IPv6, prefix <= 128).
struct ClientSubnet {
  uint16_t family = 1;
  uint8_t source_prefix = 0;
  uint8_t scope_prefix = 0;
  std::vector<uint8_t> address;
  friend bool operator==(const ClientSubnet&, const ClientSubnet&) = default;
};
Result<ClientSubnet> ParseClientSubnet(std::span<const uint8_t> data);
EdnsOption MakeClientSubnetOption(const ClientSubnet& subnet);

// The OPT pseudo-section as dig prints it (";; OPT PSEUDOSECTION:" lines), with typed options
// decoded (NSID as hex and text, COOKIE, EDE, ECS, PADDING, CHECKSUM with `checksum_code`).
std::string EdnsToText(const Edns& edns, uint16_t checksum_code = kDefaultChecksumCode);

}  // namespace redoubt::dns
