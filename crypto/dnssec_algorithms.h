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

// RFC 8624 section 3.3: true for DS digest types 1 (SHA-1), 2 (SHA-256) and 4 (SHA-384); false
// for 0, 3 (GOST R 34.11-94) and every other number.
bool CanDigestDs(uint8_t digest_type) noexcept;

}  // namespace redoubt::crypto
