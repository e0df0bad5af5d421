// RDATA of the DNSSEC types (RFC 4034, RFC 5155, RFC 7344, RFC 8976, RFC 7477).
#pragma once

#include "net/dns/rdata/fields.h"

namespace redoubt::dns::rdata {

// DNSKEY (RFC 4034 section 2.1), CDNSKEY (RFC 7344 section 3.2), and the legacy KEY
// (RFC 2535 section 3.1, specs/dnssec-legacy.md section 1: with the no-key flags 0xC000 the key
// is empty; with the XT bit the extra flags word is the first two octets of public_key).
template <RrType T>
struct KeyRecord {
  static constexpr RrType kType = T;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint16_t flags = 0;
  uint8_t protocol = 3;
  DnssecAlgorithm algorithm{};
  Base64Rest public_key;
  REDOUBT_RDATA_FIELDS(KeyRecord, flags, protocol, algorithm, public_key);
};
using DNSKEY = KeyRecord<RrType::DNSKEY>;
using CDNSKEY = KeyRecord<RrType::CDNSKEY>;
using KEY = KeyRecord<RrType::KEY>;

// DS (RFC 4034 section 5.1), CDS (RFC 7344 section 3.1), DLV (RFC 4431).
template <RrType T>
struct DelegationSigner {
  static constexpr RrType kType = T;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint16_t key_tag = 0;
  DnssecAlgorithm algorithm{};
  uint8_t digest_type = 0;
  HexRest digest;
  REDOUBT_RDATA_FIELDS(DelegationSigner, key_tag, algorithm, digest_type, digest);
};
using DS = DelegationSigner<RrType::DS>;
using CDS = DelegationSigner<RrType::CDS>;
using DLV = DelegationSigner<RrType::DLV>;

// RRSIG (RFC 4034 section 3.1) and the legacy SIG (RFC 2535 section 4.1; specs/dnssec-legacy.md
// section 2): the same fields. SIG's signer name may arrive compressed (RFC 3597 section 4);
// RRSIG's must not. Both lowercase the signer in canonical form.
template <RrType T, uint8_t Rules>
struct Signature {
  static constexpr RrType kType = T;
  static constexpr uint8_t kNameRules = Rules;
  RrType type_covered = RrType{0};
  DnssecAlgorithm algorithm{};
  uint8_t labels = 0;
  uint32_t original_ttl = 0;
  Time32 expiration;
  Time32 inception;
  uint16_t key_tag = 0;
  Name signer;
  Base64Rest signature;
  REDOUBT_RDATA_FIELDS(Signature, type_covered, algorithm, labels, original_ttl, expiration,
                       inception, key_tag, signer, signature);
};
using RRSIG = Signature<RrType::RRSIG, kNamesLowercase>;
using SIG = Signature<RrType::SIG, kNamesDecompress | kNamesLowercase>;

// RFC 4034 section 4.1. The next name is not lowercased in canonical form (RFC 6840 5.1).
struct NSEC {
  static constexpr RrType kType = RrType::NSEC;
  static constexpr uint8_t kNameRules = kNamesPlain;
  Name next;
  TypeBitmap types;
  REDOUBT_RDATA_FIELDS(NSEC, next, types);
};

// RFC 2535 section 5.2 (specs/dnssec-legacy.md section 3).
struct NXT {
  static constexpr RrType kType = RrType::NXT;
  static constexpr uint8_t kNameRules = kNamesDecompress | kNamesLowercase;
  Name next;
  NxtBitmap types;
  REDOUBT_RDATA_FIELDS(NXT, next, types);
};

// RFC 5155 section 3.2.
struct NSEC3 {
  static constexpr RrType kType = RrType::NSEC3;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint8_t hash_algorithm = 1;
  uint8_t flags = 0;
  uint16_t iterations = 0;
  HexU8 salt;
  Base32HexU8 next_hashed;
  TypeBitmap types;
  REDOUBT_RDATA_FIELDS(NSEC3, hash_algorithm, flags, iterations, salt, next_hashed, types);
};

// RFC 5155 section 4.2.
struct NSEC3PARAM {
  static constexpr RrType kType = RrType::NSEC3PARAM;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint8_t hash_algorithm = 1;
  uint8_t flags = 0;
  uint16_t iterations = 0;
  HexU8 salt;
  REDOUBT_RDATA_FIELDS(NSEC3PARAM, hash_algorithm, flags, iterations, salt);
};

// RFC 7477 section 2.1.
struct CSYNC {
  static constexpr RrType kType = RrType::CSYNC;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint32_t serial = 0;
  uint16_t flags = 0;
  TypeBitmap types;
  REDOUBT_RDATA_FIELDS(CSYNC, serial, flags, types);
};

// RFC 8976 section 2.2.
struct ZONEMD {
  static constexpr RrType kType = RrType::ZONEMD;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint32_t serial = 0;
  uint8_t scheme = 0;
  uint8_t hash_algorithm = 0;
  HexRest digest;
  REDOUBT_RDATA_FIELDS(ZONEMD, serial, scheme, hash_algorithm, digest);
};

}  // namespace redoubt::dns::rdata
