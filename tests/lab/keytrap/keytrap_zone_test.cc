#include "tests/lab/keytrap/keytrap_zone.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "crypto/dnssec_key.h"
#include "crypto/ds_digest.h"
#include "net/dns/canonical.h"
#include "net/dns/rdata.h"
#include "net/dns/zone_parser.h"

namespace redoubt::lab {
namespace {

using crypto::DnssecSigningKey;
using dns::Name;
using dns::Record;
using dns::RrType;

constexpr char kZone[] = R"(
$TTL 3600
@    SOA ns hostmaster 1 7200 900 604800 300
@    NS  ns
ns   A   127.0.0.1
www  A   192.0.2.1
*    A   192.0.2.2
)";

constexpr unsigned kColliders = 12, kSignatures = 5;

class KeyTrapZoneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // 1024-bit keys keep the suite fast; the lab uses 2048.
    for (int attempt = 0; attempt < 20 && !zsk_; ++attempt) {
      auto k = DnssecSigningKey::Generate(dns::DnssecAlgorithm::RSASHA256, 1024);
      auto z = DnssecSigningKey::Generate(dns::DnssecAlgorithm::RSASHA256, 1024);
      ASSERT_TRUE(k && z);
      if (!KeyPairFits(*k, *z)) continue;
      ksk_ = new DnssecSigningKey(std::move(*k));
      zsk_ = new DnssecSigningKey(std::move(*z));
    }
    ASSERT_NE(zsk_, nullptr);
  }
  static void TearDownTestSuite() {
    delete ksk_;
    delete zsk_;
    ksk_ = zsk_ = nullptr;
  }

  KeyTrapSigner Signer() const {
    return KeyTrapSigner{
        *Name::FromText("keytrap.test."), ksk_, zsk_, 1000, 2000000000, kColliders, kSignatures};
  }
  std::vector<Record> Parse(const std::string& text) const {
    dns::ZoneParseOptions options;
    options.origin = *Name::FromText("keytrap.test.");
    auto records = dns::ParseZoneText(text, "test.zone", options);
    EXPECT_TRUE(records.has_value()) << (records ? "" : records.error().ToString());
    return records ? *records : std::vector<Record>{};
  }
  static uint16_t ZskTag() { return dns::KeyTag(crypto::DnskeyRdata(*zsk_, kZskFlags)); }
  static uint16_t KskTag() { return dns::KeyTag(crypto::DnskeyRdata(*ksk_, kKskFlags)); }

  static DnssecSigningKey* ksk_;
  static DnssecSigningKey* zsk_;
};
DnssecSigningKey* KeyTrapZoneTest::ksk_ = nullptr;
DnssecSigningKey* KeyTrapZoneTest::zsk_ = nullptr;

// The RDATA of the RRset owner/type in `zone`, and its RRSIGs in order.
struct Covered {
  std::vector<dns::RdataBytes> rdatas;
  std::vector<dns::rdata::RRSIG> sigs;
};
Covered Find(const std::vector<Record>& zone, const std::string& owner, RrType type) {
  Covered c;
  for (const Record& r : zone) {
    if (r.owner.ToText() != owner) continue;
    if (r.type == type) c.rdatas.push_back(r.rdata);
    if (r.type != RrType::RRSIG) continue;
    auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
    if (sig && sig->type_covered == type) c.sigs.push_back(*sig);
  }
  return c;
}

bool Verifies(const DnssecSigningKey& key, const std::string& owner, const Covered& c,
              const dns::rdata::RRSIG& sig) {
  auto imported = crypto::DnssecPublicKey::Import(key.algorithm(), key.PublicKeyField());
  auto data = dns::SignedData(sig, *Name::FromText(owner), dns::RrClass::IN, c.rdatas);
  return imported && data && imported->Verify(*data, sig.signature.bytes);
}

TEST(CollidingRsaKey, HasTheTagAnOddModulusAndImports) {
  for (uint16_t tag : {0, 1, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF, 12345}) {
    std::vector<uint8_t> key = CollidingRsaKey(kZskFlags, tag, 256, 0x80);
    ASSERT_EQ(key.size(), 4u + 4u + 256u);
    EXPECT_EQ(dns::KeyTag(key), tag);
    EXPECT_EQ(key[8], 0x80);       // The modulus's first octet.
    EXPECT_EQ(key.back() & 1, 1);  // Odd.
    auto imported = crypto::DnssecPublicKey::Import(dns::DnssecAlgorithm::RSASHA256,
                                                    std::span<const uint8_t>(key).subspan(4));
    ASSERT_TRUE(imported.has_value());
    EXPECT_EQ(imported->bits(), 2048u);
  }
}

TEST_F(KeyTrapZoneTest, DnskeySetHoldsColliders_ZskLastAsServedAndInCanonicalOrder) {
  auto zone = SignKeyTrapZone(Parse(kZone), Signer());
  ASSERT_TRUE(zone.has_value());
  Covered keys = Find(*zone, "keytrap.test.", RrType::DNSKEY);
  ASSERT_EQ(keys.rdatas.size(), kColliders + 2);
  EXPECT_EQ(keys.rdatas.front(), crypto::DnskeyRdata(*ksk_, kKskFlags));
  EXPECT_EQ(keys.rdatas.back(), crypto::DnskeyRdata(*zsk_, kZskFlags));
  for (size_t i = 1; i < keys.rdatas.size(); ++i) EXPECT_EQ(dns::KeyTag(keys.rdatas[i]), ZskTag());
  EXPECT_NE(KskTag(), ZskTag());
  // Canonical order (RFC 4034 section 6.3): the colliders, the ZSK, then the KSK (flags 257).
  auto canonical = dns::CanonicalRdataSet(RrType::DNSKEY, keys.rdatas);
  ASSERT_TRUE(canonical.has_value());
  ASSERT_EQ(canonical->size(), kColliders + 2);
  EXPECT_EQ((*canonical)[kColliders], crypto::DnskeyRdata(*zsk_, kZskFlags));
}

TEST_F(KeyTrapZoneTest, EveryRrsetHasDecoysThenTheRealSignatureLast) {
  auto zone = SignKeyTrapZone(Parse(kZone), Signer());
  ASSERT_TRUE(zone.has_value());
  const std::vector<std::pair<std::string, RrType>> rrsets = {
      {"keytrap.test.", RrType::SOA},     {"keytrap.test.", RrType::NS},
      {"keytrap.test.", RrType::DNSKEY},  {"keytrap.test.", RrType::NSEC},
      {"*.keytrap.test.", RrType::A},     {"*.keytrap.test.", RrType::NSEC},
      {"ns.keytrap.test.", RrType::A},    {"www.keytrap.test.", RrType::A},
      {"www.keytrap.test.", RrType::NSEC}};
  for (const auto& [owner, type] : rrsets) {
    SCOPED_TRACE(owner + " " + dns::RrTypeToText(type));
    Covered c = Find(*zone, owner, type);
    ASSERT_EQ(c.sigs.size(), kSignatures);
    const DnssecSigningKey& signer = type == RrType::DNSKEY ? *ksk_ : *zsk_;
    EXPECT_EQ(c.sigs.back().key_tag, type == RrType::DNSKEY ? KskTag() : ZskTag());
    EXPECT_TRUE(Verifies(signer, owner, c, c.sigs.back()));
    for (size_t i = 0; i + 1 < c.sigs.size(); ++i) {
      EXPECT_EQ(c.sigs[i].key_tag, ZskTag());
      EXPECT_EQ(c.sigs[i].labels, c.sigs.back().labels);
      EXPECT_LT(c.sigs[i].signature.bytes[0], 0x80);
      EXPECT_FALSE(Verifies(*zsk_, owner, c, c.sigs[i]));
    }
  }
  // A wildcard's RRSIG counts the labels without the "*" (RFC 4034 section 3.1.3).
  EXPECT_EQ(Find(*zone, "*.keytrap.test.", RrType::A).sigs.back().labels, 2);
}

TEST_F(KeyTrapZoneTest, NsecChainIsCanonicalAndWrapsToApex) {
  auto zone = SignKeyTrapZone(Parse(kZone), Signer());
  ASSERT_TRUE(zone.has_value());
  std::map<std::string, dns::rdata::NSEC> nsec;
  for (const Record& r : *zone) {
    if (r.type != RrType::NSEC) continue;
    EXPECT_EQ(r.ttl, 300u);  // The SOA minimum.
    nsec[r.owner.ToText()] = *dns::Decode<dns::rdata::NSEC>(r.rdata);
  }
  ASSERT_EQ(nsec.size(), 4u);
  EXPECT_EQ(nsec["keytrap.test."].next.ToText(), "*.keytrap.test.");
  EXPECT_EQ(nsec["*.keytrap.test."].next.ToText(), "ns.keytrap.test.");
  EXPECT_EQ(nsec["ns.keytrap.test."].next.ToText(), "www.keytrap.test.");
  EXPECT_EQ(nsec["www.keytrap.test."].next.ToText(), "keytrap.test.");
  EXPECT_EQ(nsec["www.keytrap.test."].types.types,
            (std::vector<RrType>{RrType::A, RrType::RRSIG, RrType::NSEC}));
  EXPECT_TRUE(nsec["keytrap.test."].types.Contains(RrType::DNSKEY));
}

TEST_F(KeyTrapZoneTest, DsNamesTheKsk) {
  auto ds_record = KskDs(Signer(), 3600);
  ASSERT_TRUE(ds_record.has_value());
  auto ds = dns::Decode<dns::rdata::DS>(ds_record->rdata);
  ASSERT_TRUE(ds.has_value());
  EXPECT_EQ(ds->key_tag, KskTag());
  EXPECT_TRUE(crypto::DsMatchesKey(*ds, *Name::FromText("keytrap.test."),
                                   crypto::DnskeyRdata(*ksk_, kKskFlags)));
}

TEST_F(KeyTrapZoneTest, ZoneWithoutSoaOrWithADelegationIsRejected) {
  auto no_soa = SignKeyTrapZone(Parse("www 3600 A 127.0.0.1\n"), Signer());
  ASSERT_FALSE(no_soa.has_value());
  EXPECT_EQ(no_soa.error().code, Errc::kInvalidArgument);
  auto cut = SignKeyTrapZone(Parse(std::string(kZone) + "child NS ns.child\n"), Signer());
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace redoubt::lab
