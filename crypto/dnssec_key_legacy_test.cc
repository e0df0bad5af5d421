// Legacy trust point validation (RFC 2065, RFC 2535): the algorithm policy, RSA/MD5 (RFC 2537)
// and DSA (RFC 2536) keys and signatures, and that none of it leaks into the modern policy
// (RFC 8624 section 3.1).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/dnssec_algorithms.h"
#include "crypto/dnssec_key.h"
#include "crypto/rsa_signing_key.h"

namespace redoubt::crypto {
namespace {

using dns::DnssecAlgorithm;
using Bytes = std::vector<uint8_t>;

constexpr AlgorithmPolicy kLegacy = AlgorithmPolicy::kLegacyTrustPoint;
constexpr size_t kRsa1024Octets = 128;

Bytes Text(const std::string& s) { return {s.begin(), s.end()}; }

// The lab's legacy signer, 1024 bits, made once.
const RsaSigningKey& LegacySigner() {
  static const RsaSigningKey key = RsaSigningKey::Generate(1024).value();
  return key;
}

DnssecPublicKey LegacyPublic(DnssecAlgorithm algorithm) {
  return DnssecPublicKey::Import(algorithm, LegacySigner().PublicKeyField(), kLegacy).value();
}

// What Import says about `field`: kOk when it imports, else the error code.
Errc ImportCode(DnssecAlgorithm algorithm, const Bytes& field, AlgorithmPolicy policy) {
  auto key = DnssecPublicKey::Import(algorithm, field, policy);
  return key.has_value() ? Errc::kOk : key.error().code;
}

struct SignedData {
  Bytes data;
  Bytes signature;
};

// Signs numbered messages until `wanted` holds for a signature; about one in 256 RSA signatures
// has a leading zero octet, so 4096 tries fail to find one with odds of about e^-16.
template <typename Wanted>
SignedData SignUntil(RsaAlgorithm algorithm, Wanted wanted) {
  for (int i = 0; i < 4096; ++i) {
    Bytes data = Text("legacy rrset " + std::to_string(i));
    Bytes signature = LegacySigner().Sign(algorithm, data).value();
    if (wanted(signature)) return {data, signature};
  }
  ADD_FAILURE() << "no signature of the wanted shape in 4096 tries";
  return {};
}

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

TEST(LegacyRsaTest, RsaMd5SignatureFromTheLegacySignerVerifies) {  // RFC 2537 section 3.
  DnssecPublicKey key = LegacyPublic(DnssecAlgorithm::RSAMD5);
  EXPECT_EQ(key.algorithm(), DnssecAlgorithm::RSAMD5);
  EXPECT_EQ(key.bits(), 1024u);
  Bytes data = Text("www.legacy. A 192.0.2.1");
  EXPECT_TRUE(key.Verify(data, LegacySigner().Sign(RsaAlgorithm::kRsaMd5, data).value()));
  EXPECT_TRUE(key.Verify({}, LegacySigner().Sign(RsaAlgorithm::kRsaMd5, {}).value()));
}

TEST(LegacyRsaTest, RsaMd5SignatureWithLeadingZerosStrippedVerifies) {  // RFC 2537 section 3.
  SignedData stripped = SignUntil(RsaAlgorithm::kRsaMd5, [](const Bytes& signature) {
    return signature.size() < kRsa1024Octets;  // The signer removed at least one zero octet.
  });
  ASSERT_FALSE(stripped.signature.empty());
  DnssecPublicKey key = LegacyPublic(DnssecAlgorithm::RSAMD5);
  EXPECT_TRUE(key.Verify(stripped.data, stripped.signature));
  Bytes restored = stripped.signature;  // With the zeros put back it is the same integer.
  restored.insert(restored.begin(), kRsa1024Octets - restored.size(), 0);
  EXPECT_TRUE(key.Verify(stripped.data, restored));
  Bytes flipped = stripped.signature;
  flipped[0] ^= 0x01;
  EXPECT_FALSE(key.Verify(stripped.data, flipped));
}

TEST(LegacyRsaTest, FlippedBitInRsaMd5SignatureOrDataIsRejected) {
  DnssecPublicKey key = LegacyPublic(DnssecAlgorithm::RSAMD5);
  Bytes data = Text("signed data");
  Bytes signature = LegacySigner().Sign(RsaAlgorithm::kRsaMd5, data).value();
  for (size_t at : {size_t{0}, signature.size() / 2, signature.size() - 1}) {
    Bytes bad = signature;
    bad[at] ^= 0x01;
    EXPECT_FALSE(key.Verify(data, bad)) << "octet " << at;
  }
  Bytes changed = data;
  changed.back() ^= 0x01;
  EXPECT_FALSE(key.Verify(changed, signature));
}

TEST(LegacyRsaTest, RsaMd5SignatureLongerThanTheModulusOrEmptyIsRejected) {
  DnssecPublicKey key = LegacyPublic(DnssecAlgorithm::RSAMD5);
  Bytes data = Text("signed data");
  Bytes signature = LegacySigner().Sign(RsaAlgorithm::kRsaMd5, data).value();
  Bytes padded = signature;  // Zero octets the padding would add, one too many.
  padded.insert(padded.begin(), kRsa1024Octets + 1 - padded.size(), 0);
  EXPECT_FALSE(key.Verify(data, padded));
  EXPECT_FALSE(key.Verify(data, {}));
  EXPECT_FALSE(key.Verify(data, Bytes(kRsa1024Octets, 0)));
}

TEST(LegacyRsaTest, ZeroPaddingIsOnlyForRsaMd5NotRsaSha1) {  // RFC 3110 section 3.
  SignedData zero_first = SignUntil(RsaAlgorithm::kRsaSha1, [](const Bytes& signature) {
    return signature.size() == kRsa1024Octets && signature[0] == 0;
  });
  ASSERT_FALSE(zero_first.signature.empty());
  DnssecPublicKey key = LegacyPublic(DnssecAlgorithm::RSASHA1);
  EXPECT_TRUE(key.Verify(zero_first.data, zero_first.signature));
  Bytes stripped(zero_first.signature.begin() + 1, zero_first.signature.end());
  EXPECT_FALSE(key.Verify(zero_first.data, stripped));
}

TEST(LegacyRsaTest, RsaMd5SignatureDoesNotPassAsRsaSha1OrTheReverse) {  // Algorithm confusion.
  Bytes data = Text("signed data");
  Bytes md5 = LegacySigner().Sign(RsaAlgorithm::kRsaMd5, data).value();
  Bytes sha1 = LegacySigner().Sign(RsaAlgorithm::kRsaSha1, data).value();
  EXPECT_TRUE(LegacyPublic(DnssecAlgorithm::RSASHA1).Verify(data, sha1));
  EXPECT_FALSE(LegacyPublic(DnssecAlgorithm::RSASHA1).Verify(data, md5));
  EXPECT_FALSE(LegacyPublic(DnssecAlgorithm::RSAMD5).Verify(data, sha1));
}

TEST(LegacyRsaTest, RsaMd5KeyIsUnsupportedUnderTheModernPolicy) {  // RFC 8624 section 3.1.
  Bytes field = LegacySigner().PublicKeyField();
  auto two_argument = DnssecPublicKey::Import(DnssecAlgorithm::RSAMD5, field);
  ASSERT_FALSE(two_argument.has_value());
  EXPECT_EQ(two_argument.error().code, Errc::kUnsupported);
  EXPECT_EQ(ImportCode(DnssecAlgorithm::RSAMD5, field, AlgorithmPolicy::kModern),
            Errc::kUnsupported);
  EXPECT_EQ(ImportCode(DnssecAlgorithm::RSAMD5, field, kLegacy), Errc::kOk);
}

TEST(LegacyRsaTest, FiveHundredTwelveBitKeysOnlyBelowALegacyTrustPoint) {  // RFC 2537 section 2.
  RsaSigningKey small = RsaSigningKey::Generate(512).value();
  Bytes field = small.PublicKeyField();
  Bytes data = Text("signed data");
  for (DnssecAlgorithm algorithm : {DnssecAlgorithm::RSAMD5, DnssecAlgorithm::RSASHA1}) {
    auto key = DnssecPublicKey::Import(algorithm, field, kLegacy);
    ASSERT_TRUE(key.has_value()) << static_cast<int>(algorithm);
    EXPECT_EQ(key->bits(), 512u);
  }
  auto md5 = DnssecPublicKey::Import(DnssecAlgorithm::RSAMD5, field, kLegacy);
  EXPECT_TRUE(md5->Verify(data, small.Sign(RsaAlgorithm::kRsaMd5, data).value()));
  // The modern floor stays: RSASHA1 under kModern, and RSASHA256 even under the legacy policy.
  EXPECT_EQ(ImportCode(DnssecAlgorithm::RSASHA1, field, AlgorithmPolicy::kModern),
            Errc::kUnsupported);
  EXPECT_EQ(ImportCode(DnssecAlgorithm::RSASHA256, field, kLegacy), Errc::kUnsupported);
}

TEST(LegacyRsaTest, ModulusUnder512BitsIsUnsupportedEvenBelowALegacyTrustPoint) {
  Bytes field = {3, 0x01, 0x00, 0x01};  // Exponent 65537, then a made-up odd 511-bit modulus.
  field.insert(field.end(), 64, 0xFF);
  field[4] = 0x7F;
  EXPECT_EQ(ImportCode(DnssecAlgorithm::RSAMD5, field, kLegacy), Errc::kUnsupported);
  field[4] = 0xFF;  // 512 bits: accepted.
  EXPECT_EQ(ImportCode(DnssecAlgorithm::RSAMD5, field, kLegacy), Errc::kOk);
}

}  // namespace
}  // namespace redoubt::crypto
