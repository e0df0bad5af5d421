// What each DNSSEC algorithm is in OpenSSL's terms, for the signing and verifying halves of
// crypto/ (only crypto/ includes OpenSSL). RFC 2537, RFC 3110 and RFC 5702 (RSA), RFC 2536
// (DSA), RFC 6605 (ECDSA), RFC 8080 (EdDSA).
#pragma once

#include <openssl/evp.h>

#include "net/dns/types.h"

namespace redoubt::crypto {

constexpr bool IsRsa(dns::DnssecAlgorithm a) noexcept {
  using enum dns::DnssecAlgorithm;
  return a == RSAMD5 || a == RSASHA1 || a == RSASHA1_NSEC3_SHA1 || a == RSASHA256 ||
         a == RSASHA512;
}

constexpr bool IsEcdsa(dns::DnssecAlgorithm a) noexcept {
  return a == dns::DnssecAlgorithm::ECDSAP256SHA256 || a == dns::DnssecAlgorithm::ECDSAP384SHA384;
}

constexpr bool IsEdDsa(dns::DnssecAlgorithm a) noexcept {
  return a == dns::DnssecAlgorithm::ED25519 || a == dns::DnssecAlgorithm::ED448;
}

// The hash the algorithm signs with; null for EdDSA (pure: it signs the message itself) and for
// algorithms redoubt does not handle.
inline const EVP_MD* HashOf(dns::DnssecAlgorithm algorithm) noexcept {
  using enum dns::DnssecAlgorithm;
  switch (algorithm) {
    case RSAMD5: return EVP_md5();  // RFC 2537 section 3.
    case DSA:                       // RFC 2536 section 3.
    case RSASHA1:
    case RSASHA1_NSEC3_SHA1: return EVP_sha1();
    case RSASHA256:
    case ECDSAP256SHA256: return EVP_sha256();
    case ECDSAP384SHA384: return EVP_sha384();
    case RSASHA512: return EVP_sha512();
    default: return nullptr;
  }
}

}  // namespace redoubt::crypto
