#include "crypto/dnssec_algorithms.h"

namespace redoubt::crypto {

bool CanValidate(dns::DnssecAlgorithm algorithm) noexcept {
  using enum dns::DnssecAlgorithm;
  switch (algorithm) {
    case RSASHA1:
    case RSASHA1_NSEC3_SHA1:
    case RSASHA256:
    case RSASHA512:
    case ECDSAP256SHA256:
    case ECDSAP384SHA384:
    case ED25519:
    case ED448:
      return true;
    default:
      return false;
  }
}

bool CanValidateLegacy(dns::DnssecAlgorithm algorithm) noexcept {
  return algorithm == dns::DnssecAlgorithm::RSAMD5 || algorithm == dns::DnssecAlgorithm::DSA ||
         CanValidate(algorithm);
}

bool CanValidate(dns::DnssecAlgorithm algorithm, AlgorithmPolicy policy) noexcept {
  return policy == AlgorithmPolicy::kLegacyTrustPoint ? CanValidateLegacy(algorithm)
                                                      : CanValidate(algorithm);
}

bool CanDigestDs(uint8_t digest_type) noexcept {
  return digest_type == 1 || digest_type == 2 || digest_type == 4;
}

}  // namespace redoubt::crypto
