// Which DNSSEC algorithms and DS digest types this validator implements: the RFC 8624 section 3.1
// (DNSKEY/RRSIG algorithms) and section 3.3 (DS digest types) validation columns. Anything not
// listed is "unsupported": a zone signed only with it is treated as insecure, not bogus
// (RFC 4035 section 5.2, RFC 6840 section 5.2).
#pragma once

#include <cstdint>

#include "net/dns/types.h"

namespace redoubt::crypto {

// RFC 8624 section 3.1 validation policy: true for RSASHA1 (5), RSASHA1-NSEC3-SHA1 (7),
// RSASHA256 (8), RSASHA512 (10), ECDSAP256SHA256 (13), ECDSAP384SHA384 (14), ED25519 (15) and
// ED448 (16); false for RSAMD5 (1), DSA (3), DSA-NSEC3-SHA1 (6), ECC-GOST (12) and every other
// number.
bool CanValidate(dns::DnssecAlgorithm algorithm) noexcept;

// Which validation rules apply to a key. kModern is RFC 8624 section 3.1 (CanValidate): the
// default everywhere. kLegacyTrustPoint is for KEY/SIG data (RFC 2065, RFC 2535) checked only
// below a trust point the operator configured as legacy: it adds the algorithms RFC 8624
// section 3.1 says MUST NOT be validated in the public DNS, RSAMD5 (1, RFC 2537) and DSA (3,
// RFC 2536), and RSA keys down to 512 bits (RFC 2537 section 2, RFC 3110 section 2). Nothing
// outside such a trust point may use it.
enum class AlgorithmPolicy : uint8_t { kModern, kLegacyTrustPoint };

// The legacy trust point column: true for RSAMD5 (1, RFC 2537), DSA (3, RFC 2536), RSASHA1
// (5, RFC 3110) and every algorithm CanValidate() accepts; false for everything else (DH (2)
// signs nothing, RFC 2539; DSA-NSEC3-SHA1 (6) never appeared in KEY/SIG data).
bool CanValidateLegacy(dns::DnssecAlgorithm algorithm) noexcept;

// CanValidate() under kModern, CanValidateLegacy() under kLegacyTrustPoint.
bool CanValidate(dns::DnssecAlgorithm algorithm, AlgorithmPolicy policy) noexcept;

// RFC 8624 section 3.3: true for DS digest types 1 (SHA-1), 2 (SHA-256) and 4 (SHA-384); false
// for 0, 3 (GOST R 34.11-94) and every other number.
bool CanDigestDs(uint8_t digest_type) noexcept;

}  // namespace redoubt::crypto
