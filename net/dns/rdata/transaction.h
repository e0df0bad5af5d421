// RDATA of the transaction types TSIG (RFC 8945 section 4.2) and TKEY (RFC 2930 section 2).
#pragma once

#include <string>

#include "net/dns/rdata/fields.h"

namespace redoubt::dns::rdata {

struct TSIG {
  static constexpr RrType kType = RrType::TSIG;
  static constexpr uint8_t kNameRules = kNamesPlain;
  Name algorithm;
  Time48 time_signed;
  uint16_t fudge = 300;
  BlobU16 mac;
  uint16_t original_id = 0;
  uint16_t error = 0;
  BlobU16 other;
  REDOUBT_RDATA_FIELDS(TSIG, algorithm, time_signed, fudge, mac, original_id, error, other);
};

struct TKEY {
  static constexpr RrType kType = RrType::TKEY;
  static constexpr uint8_t kNameRules = kNamesPlain;
  Name algorithm;
  Time32 inception;
  Time32 expiration;
  uint16_t mode = 0;
  uint16_t error = 0;
  BlobU16 key;
  BlobU16 other;
  REDOUBT_RDATA_FIELDS(TKEY, algorithm, inception, expiration, mode, error, key, other);
};

// TKEY Mode values (RFC 2930 section 2.5, IANA "TKEY Modes"). The field stays a plain
// uint16_t in the record so that any value round-trips; these name the defined ones.
inline constexpr uint16_t kTkeyModeServerAssignment = 1;
inline constexpr uint16_t kTkeyModeDiffieHellman = 2;
inline constexpr uint16_t kTkeyModeGssApi = 3;  // RFC 3645 section 3.1.1.
inline constexpr uint16_t kTkeyModeResolverAssignment = 4;
inline constexpr uint16_t kTkeyModeDeletion = 5;

// A TKEY mode for logs: "server assignment", "Diffie-Hellman exchange", "GSS-API negotiation",
// "resolver assignment", "key deletion" (RFC 2930 section 2.5), "reserved" for 0 and 65535,
// "mode <n>" for the unassigned rest. Never fails.
inline std::string TkeyModeName(uint16_t mode) {
  switch (mode) {
    case kTkeyModeServerAssignment: return "server assignment";
    case kTkeyModeDiffieHellman: return "Diffie-Hellman exchange";
    case kTkeyModeGssApi: return "GSS-API negotiation";
    case kTkeyModeResolverAssignment: return "resolver assignment";
    case kTkeyModeDeletion: return "key deletion";
    case 0:
    case 65535: return "reserved";
    default: return "mode " + std::to_string(mode);
  }
}

}  // namespace redoubt::dns::rdata
