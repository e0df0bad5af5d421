// Legacy trust point validation (RFC 2065, RFC 2535): the algorithm policy, RSA/MD5 (RFC 2537)
// and DSA (RFC 2536) keys and signatures, and that none of it leaks into the modern policy
// (RFC 8624 section 3.1).
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/dsa.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "crypto/dnssec_algorithms.h"
#include "crypto/dnssec_key.h"
#include "crypto/dss_signature.h"
#include "crypto/openssl_ptr.h"
#include "crypto/rsa_signing_key.h"

namespace redoubt::crypto {
namespace {

using dns::DnssecAlgorithm;
using Bytes = std::vector<uint8_t>;

constexpr AlgorithmPolicy kLegacy = AlgorithmPolicy::kLegacyTrustPoint;
constexpr size_t kRsa1024Octets = 128;
constexpr size_t kDsaQOctets = 20;  // RFC 2536 sections 2 and 3: Q, R and S.
constexpr size_t kDsaSignatureOctets = 1 + 2 * kDsaQOctets;

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

// A DSA key made by OpenSSL: FIPS 186 parameters with a 1024-bit P and a 160-bit Q, the
// largest RFC 2536 allows (T = 8). Made once; parameter generation takes a while.
EVP_PKEY* DsaKey() {
  static const EvpPkeyPtr key = [] {
    EvpPkeyCtxPtr param_ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr));
    EVP_PKEY* params = nullptr;
    EVP_PKEY* key = nullptr;
    if (!param_ctx || EVP_PKEY_paramgen_init(param_ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_dsa_paramgen_bits(param_ctx.get(), 1024) != 1 ||
        EVP_PKEY_CTX_set_dsa_paramgen_q_bits(param_ctx.get(), 160) != 1 ||
        EVP_PKEY_paramgen(param_ctx.get(), &params) != 1) {
      return EvpPkeyPtr();
    }
    EvpPkeyPtr owned_params(params);
    EvpPkeyCtxPtr key_ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params, nullptr));
    if (!key_ctx || EVP_PKEY_keygen_init(key_ctx.get()) != 1 ||
        EVP_PKEY_keygen(key_ctx.get(), &key) != 1) {
      return EvpPkeyPtr();
    }
    return EvpPkeyPtr(key);
  }();
  return key.get();
}

// The key's integer parameter `name`, big-endian, left-padded to `octets`.
Bytes PaddedInteger(const EVP_PKEY* key, const char* name, size_t octets) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  BignumPtr number(raw);
  Bytes out(octets);
  if (BN_bn2binpad(number.get(), out.data(), static_cast<int>(octets)) < 0) return {};
  return out;
}

// RFC 2536 section 2: T | Q | P | G | Y, with T = (octets of P - 64) / 8.
Bytes DsaKeyField(const EVP_PKEY* key) {
  const auto p_octets = static_cast<size_t>(EVP_PKEY_get_bits(key)) / 8;
  Bytes field = {static_cast<uint8_t>((p_octets - 64) / 8)};
  const std::pair<const char*, size_t> parts[] = {{OSSL_PKEY_PARAM_FFC_Q, kDsaQOctets},
                                                  {OSSL_PKEY_PARAM_FFC_P, p_octets},
                                                  {OSSL_PKEY_PARAM_FFC_G, p_octets},
                                                  {OSSL_PKEY_PARAM_PUB_KEY, p_octets}};
  for (auto [name, octets] : parts) {
    Bytes integer = PaddedInteger(key, name, octets);
    field.insert(field.end(), integer.begin(), integer.end());
  }
  return field;
}

// RFC 2536 section 3: SHA-1 DSA signature of `data` as T | R | S, R and S padded to 20 octets.
Bytes DsaSign(EVP_PKEY* key, const Bytes& data) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes der(EVP_PKEY_get_size(key));
  size_t length = der.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha1(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), der.data(), &length, data.data(), data.size()) != 1) {
    return {};
  }
  der.resize(length);
  Bytes signature = {DsaKeyField(key)[0]};
  Bytes rs = DerToRs(der, kDsaQOctets).value();
  signature.insert(signature.end(), rs.begin(), rs.end());
  return signature;
}

// A good signature stops verifying when one bit of it (at each of `octets`) or of the data flips.
void ExpectFlippedBitsRejected(const DnssecPublicKey& key, const Bytes& data,
                               const Bytes& signature, std::initializer_list<size_t> octets) {
  ASSERT_TRUE(key.Verify(data, signature));
  for (size_t at : octets) {
    Bytes bad = signature;
    bad[at] ^= 0x01;
    EXPECT_FALSE(key.Verify(data, bad)) << "octet " << at;
  }
  Bytes changed = data;
  changed.back() ^= 0x01;
  EXPECT_FALSE(key.Verify(changed, signature));
}

DnssecPublicKey LegacyDsaPublic() {
  return DnssecPublicKey::Import(DnssecAlgorithm::DSA, DsaKeyField(DsaKey()), kLegacy).value();
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
  ExpectFlippedBitsRejected(key, data, signature, {0, signature.size() / 2, signature.size() - 1});
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

TEST(LegacyDsaTest, DsaSignatureVerifiesBelowALegacyTrustPoint) {  // RFC 2536 sections 2, 3.
  ASSERT_NE(DsaKey(), nullptr);
  Bytes field = DsaKeyField(DsaKey());
  ASSERT_EQ(field.size(), 1 + kDsaQOctets + 3 * 128u);
  EXPECT_EQ(field[0], 8);
  DnssecPublicKey key = LegacyDsaPublic();
  EXPECT_EQ(key.algorithm(), DnssecAlgorithm::DSA);
  EXPECT_EQ(key.bits(), 1024u);
  Bytes data = Text("www.legacy. A 192.0.2.1");
  Bytes signature = DsaSign(DsaKey(), data);
  ASSERT_EQ(signature.size(), kDsaSignatureOctets);
  EXPECT_TRUE(key.Verify(data, signature));
  EXPECT_TRUE(key.Verify({}, DsaSign(DsaKey(), {})));
}

TEST(LegacyDsaTest, DsaKeyIsUnsupportedUnderTheModernPolicy) {  // RFC 8624 section 3.1.
  Bytes field = DsaKeyField(DsaKey());
  auto two_argument = DnssecPublicKey::Import(DnssecAlgorithm::DSA, field);
  ASSERT_FALSE(two_argument.has_value());
  EXPECT_EQ(two_argument.error().code, Errc::kUnsupported);
  EXPECT_EQ(ImportCode(DnssecAlgorithm::DSA, field, AlgorithmPolicy::kModern), Errc::kUnsupported);
}

TEST(LegacyDsaTest, DsaKeyFieldsOfTheWrongShapeAreBadRdata) {  // RFC 2536 section 2.
  Bytes field = DsaKeyField(DsaKey());
  Bytes wrong_t = field;  // T = 7 promises 120-octet P, G and Y: the length no longer fits.
  wrong_t[0] = 7;
  Bytes short_field(field.begin(), field.end() - 1);
  Bytes long_field = field;
  long_field.push_back(0);
  Bytes t9(1 + kDsaQOctets + 3 * (64 + 8 * 9), 0x01);  // The right length for T = 9 > 8.
  t9[0] = 9;
  for (const Bytes& bad : {wrong_t, short_field, long_field, t9, Bytes{}, Bytes{8}}) {
    EXPECT_EQ(ImportCode(DnssecAlgorithm::DSA, bad, kLegacy), Errc::kBadRdata) << bad.size();
  }
}

TEST(LegacyDsaTest, SmallestDsaKeyShapeImports) {  // T = 0: 64-octet P, G and Y.
  Bytes field(1 + kDsaQOctets + 3 * 64, 0x01);
  field[0] = 0;
  field[1 + kDsaQOctets] = 0x80;  // P's top bit: 512 bits.
  auto key = DnssecPublicKey::Import(DnssecAlgorithm::DSA, field, kLegacy);
  ASSERT_TRUE(key.has_value()) << ErrcName(key.error().code);
  EXPECT_EQ(key->bits(), 512u);
  EXPECT_FALSE(key->Verify(Text("data"), Bytes(kDsaSignatureOctets, 0x01)));
}

TEST(LegacyDsaTest, DsaSignatureWithAnotherTIsRejected) {  // RFC 2536 section 3: T is the key's.
  DnssecPublicKey key = LegacyDsaPublic();
  Bytes data = Text("signed data");
  Bytes signature = DsaSign(DsaKey(), data);
  ASSERT_TRUE(key.Verify(data, signature));
  for (uint8_t t : {0, 7, 9, 255}) {
    signature[0] = t;
    EXPECT_FALSE(key.Verify(data, signature)) << int{t};
  }
}

TEST(LegacyDsaTest, DsaSignaturesOfTheWrongLengthAreRejected) {  // RFC 2536 section 3: 41 octets.
  DnssecPublicKey key = LegacyDsaPublic();
  Bytes data = Text("signed data");
  Bytes signature = DsaSign(DsaKey(), data);
  Bytes without_t(signature.begin() + 1, signature.end());  // 40 octets: R | S alone.
  Bytes appended = signature;
  appended.push_back(0);
  Bytes truncated(signature.begin(), signature.end() - 1);
  for (const Bytes& bad : {without_t, appended, truncated, Bytes{}, Bytes{signature[0]}}) {
    EXPECT_FALSE(key.Verify(data, bad)) << bad.size();
  }
}

TEST(LegacyDsaTest, FlippedBitInDsaSignatureOrDataIsRejected) {
  DnssecPublicKey key = LegacyDsaPublic();
  Bytes data = Text("signed data");
  Bytes signature = DsaSign(DsaKey(), data);
  ExpectFlippedBitsRejected(key, data, signature, {1, 20, 21, 40});  // R's and S's ends.
}

TEST(LegacyDsaTest, DsaSignatureWithZeroOrOutOfRangeRAndSIsRejected) {  // FIPS 186: 0 < r, s < q.
  DnssecPublicKey key = LegacyDsaPublic();
  Bytes data = Text("signed data");
  Bytes signature = DsaSign(DsaKey(), data);
  Bytes q = PaddedInteger(DsaKey(), OSSL_PKEY_PARAM_FFC_Q, kDsaQOctets);
  Bytes zero_r = signature;
  std::fill(zero_r.begin() + 1, zero_r.begin() + 1 + kDsaQOctets, 0);
  Bytes zero_s = signature;
  std::fill(zero_s.begin() + 1 + kDsaQOctets, zero_s.end(), 0);
  Bytes r_is_q = signature;
  std::copy(q.begin(), q.end(), r_is_q.begin() + 1);
  Bytes all_ones(kDsaSignatureOctets, 0xFF);
  all_ones[0] = signature[0];
  for (const Bytes& bad : {zero_r, zero_s, r_is_q, all_ones}) EXPECT_FALSE(key.Verify(data, bad));
}

TEST(LegacyDsaTest, DsaSignatureWithLeadingZeroInROrSVerifies) {  // Fixed-width R and S.
  DnssecPublicKey key = LegacyDsaPublic();
  for (int i = 0; i < 4096; ++i) {  // About one in 128 signatures qualifies.
    Bytes data = Text("legacy rrset " + std::to_string(i));
    Bytes signature = DsaSign(DsaKey(), data);
    if (signature[1] != 0 && signature[1 + kDsaQOctets] != 0) continue;
    EXPECT_TRUE(key.Verify(data, signature)) << i;
    return;
  }
  ADD_FAILURE() << "no DSA signature with a leading zero in R or S in 4096 tries";
}

TEST(LegacyDsaTest, DsaSignatureDoesNotPassForAnRsaKeyOrTheReverse) {  // Algorithm confusion.
  Bytes data = Text("signed data");
  EXPECT_FALSE(LegacyPublic(DnssecAlgorithm::RSAMD5).Verify(data, DsaSign(DsaKey(), data)));
  Bytes md5 = LegacySigner().Sign(RsaAlgorithm::kRsaMd5, data).value();
  EXPECT_FALSE(LegacyDsaPublic().Verify(data, md5));
  // An RSA field read as a DSA key does not have the RFC 2536 shape.
  EXPECT_EQ(ImportCode(DnssecAlgorithm::DSA, LegacySigner().PublicKeyField(), kLegacy),
            Errc::kBadRdata);
}

}  // namespace
}  // namespace redoubt::crypto
