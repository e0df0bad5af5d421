#include "crypto/dnssec_signing_key.h"

#include <gtest/gtest.h>

#include <map>
#include <string_view>
#include <vector>

#include "crypto/dnssec_key.h"
#include "net/dns/canonical.h"
#include "net/dns/rdata.h"

namespace redoubt::crypto {
namespace {

using dns::DnssecAlgorithm;
using Bytes = std::vector<uint8_t>;

constexpr DnssecAlgorithm kValidated[] = {
    DnssecAlgorithm::RSASHA1,         DnssecAlgorithm::RSASHA1_NSEC3_SHA1,
    DnssecAlgorithm::RSASHA256,       DnssecAlgorithm::RSASHA512,
    DnssecAlgorithm::ECDSAP256SHA256, DnssecAlgorithm::ECDSAP384SHA384,
    DnssecAlgorithm::ED25519,         DnssecAlgorithm::ED448};

constexpr uint32_t kInception = 1700000000;
constexpr uint32_t kExpiration = 1702592000;

dns::Name N(std::string_view text) { return dns::Name::FromText(text).value(); }

const DnssecSigningKey& KeyFor(DnssecAlgorithm algorithm) {
  static std::map<DnssecAlgorithm, DnssecSigningKey> keys;
  auto it = keys.find(algorithm);
  if (it == keys.end()) {
    it = keys.emplace(algorithm, DnssecSigningKey::Generate(algorithm, 1024).value()).first;
  }
  return it->second;
}

// Two A records, deliberately out of canonical order.
const std::vector<Bytes> kAddresses = {{192, 0, 2, 2}, {192, 0, 2, 1}};

// Verifies `rrsig` over `rdatas` at `owner` the way the validator will: import the key field,
// build dns::SignedData, check the signature.
bool Verifies(const DnssecSigningKey& key, const dns::rdata::RRSIG& rrsig, const dns::Name& owner,
              const std::vector<Bytes>& rdatas) {
  auto public_key = DnssecPublicKey::Import(key.algorithm(), key.PublicKeyField());
  auto data = dns::SignedData(rrsig, owner, dns::RrClass::IN, rdatas);
  return public_key.has_value() && data.has_value() &&
         public_key->Verify(*data, rrsig.signature.bytes);
}

TEST(DnssecSigningKeyTest, AlgorithmsTheValidatorCannotCheckAreNotGenerated) {
  for (int n : {0, 1, 3, 6, 12, 17, 23, 253, 254}) {
    auto key = DnssecSigningKey::Generate(static_cast<DnssecAlgorithm>(n));
    ASSERT_FALSE(key.has_value()) << n;
    EXPECT_EQ(key.error().code, Errc::kUnsupported) << n;
  }
}

TEST(DnssecSigningKeyTest, PublicKeyFieldAndSignatureHaveTheRfcLengths) {
  // RFC 6605 section 4 (64/96 and 64/96), RFC 8080 section 3 and 4 (32/57 and 64/114).
  const std::map<DnssecAlgorithm, std::pair<size_t, size_t>> expected = {
      {DnssecAlgorithm::ECDSAP256SHA256, {64, 64}}, {DnssecAlgorithm::ECDSAP384SHA384, {96, 96}},
      {DnssecAlgorithm::ED25519, {32, 64}}, {DnssecAlgorithm::ED448, {57, 114}}};
  Bytes data = {1, 2, 3};
  for (auto [algorithm, lengths] : expected) {
    EXPECT_EQ(KeyFor(algorithm).PublicKeyField().size(), lengths.first);
    EXPECT_EQ(KeyFor(algorithm).Sign(data)->size(), lengths.second);
  }
}

TEST(DnssecSigningKeyTest, RsaKeyFieldIsRfc3110AndSignaturesAreModulusLength) {
  Bytes field = KeyFor(DnssecAlgorithm::RSASHA256).PublicKeyField();
  ASSERT_EQ(field.size(), 1u + 3u + 128u);
  EXPECT_EQ(Bytes(field.begin(), field.begin() + 4), (Bytes{3, 0x01, 0x00, 0x01}));
  EXPECT_NE(field[4] & 0x80, 0);  // Modulus without a leading zero octet.
  for (int i = 0; i < 16; ++i) {  // One in 256 raw signatures starts with zero: still 128 octets.
    Bytes data = {static_cast<uint8_t>(i)};
    EXPECT_EQ(KeyFor(DnssecAlgorithm::RSASHA256).Sign(data)->size(), 128u);
  }
}

TEST(DnssecSigningKeyTest, DnskeyRdataIsFlagsProtocolAlgorithmKey) {
  const DnssecSigningKey& key = KeyFor(DnssecAlgorithm::ED25519);
  Bytes ksk = DnskeyRdata(key, 257);
  Bytes field = key.PublicKeyField();
  ASSERT_EQ(ksk.size(), 4 + field.size());
  EXPECT_EQ(Bytes(ksk.begin(), ksk.begin() + 4), (Bytes{0x01, 0x01, 3, 15}));
  EXPECT_EQ(Bytes(ksk.begin() + 4, ksk.end()), field);
  auto decoded = dns::Decode<dns::rdata::DNSKEY>(ksk);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->flags, 257);
  EXPECT_EQ(DnskeyRdata(key, 256)[1], 0x00);
  EXPECT_NE(dns::KeyTag(ksk), dns::KeyTag(DnskeyRdata(key, 256)));
}

TEST(SignRRsetTest, FillsEveryRrsigField) {
  const DnssecSigningKey& key = KeyFor(DnssecAlgorithm::ECDSAP256SHA256);
  auto rrsig = SignRRset(key, 256, N("Example.NET."), N("www.example.net."), dns::RrType::A, 3600,
                         kAddresses, kInception, kExpiration);
  ASSERT_TRUE(rrsig.has_value());
  EXPECT_EQ(rrsig->type_covered, dns::RrType::A);
  EXPECT_EQ(rrsig->algorithm, DnssecAlgorithm::ECDSAP256SHA256);
  EXPECT_EQ(rrsig->labels, 3);
  EXPECT_EQ(rrsig->original_ttl, 3600u);
  EXPECT_EQ(rrsig->inception.value, kInception);
  EXPECT_EQ(rrsig->expiration.value, kExpiration);
  EXPECT_EQ(rrsig->key_tag, dns::KeyTag(DnskeyRdata(key, 256)));
  EXPECT_EQ(rrsig->signer, N("example.net."));
  EXPECT_EQ(rrsig->signature.bytes.size(), 64u);
  // The RRSIG survives the wire codec unchanged.
  auto wire = dns::RdataToBytes(*rrsig);
  ASSERT_TRUE(wire.has_value());
  auto decoded = dns::Decode<dns::rdata::RRSIG>(*wire);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, *rrsig);
}

TEST(SignRRsetTest, EveryAlgorithmsSignatureVerifiesOverTheCanonicalRRset) {
  dns::Name owner = N("www.example.net.");
  std::vector<Bytes> reordered = {kAddresses[1], kAddresses[0]};
  std::vector<Bytes> changed = {kAddresses[0], {192, 0, 2, 3}};
  for (DnssecAlgorithm algorithm : kValidated) {
    SCOPED_TRACE(static_cast<int>(algorithm));
    const DnssecSigningKey& key = KeyFor(algorithm);
    auto rrsig = SignRRset(key, 257, N("example.net."), owner, dns::RrType::A, 300, kAddresses,
                           kInception, kExpiration);
    ASSERT_TRUE(rrsig.has_value());
    EXPECT_TRUE(Verifies(key, *rrsig, owner, kAddresses));
    EXPECT_TRUE(Verifies(key, *rrsig, owner, reordered));  // RFC 4034 section 6.3 order.
    EXPECT_FALSE(Verifies(key, *rrsig, owner, changed));
    EXPECT_FALSE(Verifies(key, *rrsig, N("ftp.example.net."), kAddresses));
    dns::rdata::RRSIG later = *rrsig;  // The signed fields are covered too.
    later.expiration.value += 1;
    EXPECT_FALSE(Verifies(key, later, owner, kAddresses));
  }
}

TEST(SignRRsetTest, WildcardOwnerLabelsLeaveOutTheStar) {
  // RFC 4034 section 3.1.3: "*.example.net." has Labels 2, so that an answer synthesised for
  // "a.b.example.net." verifies against the wildcard owner (RFC 4035 section 5.3.2).
  const DnssecSigningKey& key = KeyFor(DnssecAlgorithm::ED25519);
  auto rrsig = SignRRset(key, 256, N("example.net."), N("*.example.net."), dns::RrType::A, 300,
                         kAddresses, kInception, kExpiration);
  ASSERT_TRUE(rrsig.has_value());
  EXPECT_EQ(rrsig->labels, 2);
  EXPECT_TRUE(Verifies(key, *rrsig, N("*.example.net."), kAddresses));
  EXPECT_TRUE(Verifies(key, *rrsig, N("a.b.example.net."), kAddresses));
  EXPECT_FALSE(Verifies(key, *rrsig, N("a.b.example.org."), kAddresses));
}

TEST(SignRRsetTest, InvalidRdataIsAnError) {
  std::vector<Bytes> bad = {{192, 0, 2}};  // Three octets are no A record.
  auto rrsig = SignRRset(KeyFor(DnssecAlgorithm::ED25519), 256, N("example.net."),
                         N("www.example.net."), dns::RrType::A, 300, bad, kInception, kExpiration);
  EXPECT_FALSE(rrsig.has_value());
}

}  // namespace
}  // namespace redoubt::crypto
