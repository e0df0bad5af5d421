// The NSEC3 hashed owner name (RFC 5155 section 5).
//
// IH(salt, x, 0) = H(x | salt) and IH(salt, x, k) = H(IH(salt, x, k - 1) | salt), where x is the
// canonical wire form of the name (RFC 4034 section 6.2: uncompressed, ASCII lowercased) and H is
// the hash the record's algorithm names. Only SHA-1 (algorithm 1) is defined. The function does
// `iterations` + 1 hash computations and puts no limit on them: callers spend a ValidationBudget
// and cap iterations first (RFC 9276 section 3.2; CVE-2023-50868).
#pragma once

#include <cstdint>
#include <span>

#include "crypto/digest.h"
#include "net/base/result.h"
#include "net/dns/name.h"

namespace redoubt::crypto {

// RFC 5155 section 5: IH(salt, lowercase wire(name), iterations) with the hash of
// `hash_algorithm` (dns::Nsec3HashAlgorithm). Fails with kUnsupported for any algorithm but
// SHA-1, kCryptoFailure only if OpenSSL cannot hash.
Result<Digest> Nsec3Hash(const dns::Name& name, uint8_t hash_algorithm,
                         std::span<const uint8_t> salt, uint16_t iterations);

}  // namespace redoubt::crypto
