// Legacy trust point validation (RFC 2065, RFC 2535): the algorithm policy, RSA/MD5 (RFC 2537)
// and DSA (RFC 2536) keys and signatures, and that none of it leaks into the modern policy
// (RFC 8624 section 3.1).
#include <gtest/gtest.h>

#include "crypto/dnssec_algorithms.h"

namespace redoubt::crypto {
namespace {

using dns::DnssecAlgorithm;

TEST(AlgorithmPolicyTest, LegacyAddsOnlyRsaMd5AndDsaToTheModernAlgorithms) {
  for (int n = 0; n < 256; ++n) {
    auto algorithm = static_cast<DnssecAlgorithm>(n);
    bool legacy_only = algorithm == DnssecAlgorithm::RSAMD5 || algorithm == DnssecAlgorithm::DSA;
    EXPECT_EQ(CanValidateLegacy(algorithm), legacy_only || CanValidate(algorithm)) << n;
    EXPECT_EQ(CanValidate(algorithm, AlgorithmPolicy::kLegacyTrustPoint),
              CanValidateLegacy(algorithm))
        << n;
    EXPECT_EQ(CanValidate(algorithm, AlgorithmPolicy::kModern), CanValidate(algorithm)) << n;
  }
}

TEST(AlgorithmPolicyTest, ModernPolicyStillRefusesRsaMd5AndDsa) {  // RFC 8624 section 3.1.
  EXPECT_FALSE(CanValidate(DnssecAlgorithm::RSAMD5, AlgorithmPolicy::kModern));
  EXPECT_FALSE(CanValidate(DnssecAlgorithm::DSA, AlgorithmPolicy::kModern));
  EXPECT_TRUE(CanValidate(DnssecAlgorithm::RSASHA1, AlgorithmPolicy::kLegacyTrustPoint));
  EXPECT_FALSE(CanValidateLegacy(DnssecAlgorithm::DH));
  EXPECT_FALSE(CanValidateLegacy(DnssecAlgorithm::DSA_NSEC3_SHA1));
}

}  // namespace
}  // namespace redoubt::crypto
