// RDATA of the transaction types TSIG (RFC 8945 section 4.2) and TKEY (RFC 2930 section 2).
#pragma once

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

}  // namespace redoubt::dns::rdata
