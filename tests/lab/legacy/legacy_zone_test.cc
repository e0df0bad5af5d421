#include "resolver/testing/legacy_zone.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "net/dns/canonical.h"
#include "net/dns/presentation.h"
#include "net/dns/rdata.h"
#include "net/dns/zone_parser.h"

namespace redoubt::resolver::testing {
namespace {

using dns::Name;
using dns::Record;
using dns::RrType;

constexpr char kZone[] = R"(
$TTL 3600
@        SOA ns hostmaster 1 7200 900 604800 300
@        NS  ns
ns       A   127.0.0.1
www      A   127.0.0.2
*.wild   A   127.0.0.3
child    NS  ns.child
child    KEY 256 3 1 AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==
ns.child A   127.0.0.4
)";

class LegacyZoneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto key = crypto::RsaSigningKey::Generate(1024);
    ASSERT_TRUE(key.has_value());
    key_ = new crypto::RsaSigningKey(std::move(*key));
  }
  static void TearDownTestSuite() { delete key_; }

  LegacySigner Signer(uint8_t algorithm = 1) const {
    return LegacySigner{*Name::FromText("legacy."), algorithm, 1000, 2000000000, key_};
  }
  std::vector<Record> Parse(const std::string& text) const {
    dns::ZoneParseOptions options;
    options.origin = *Name::FromText("legacy.");
    auto records = dns::ParseZoneText(text, "test.zone", options);
    EXPECT_TRUE(records.has_value()) << (records ? "" : records.error().ToString());
    return records ? *records : std::vector<Record>{};
  }
  // Checks one SIG against the RRset it covers in `zone`; returns the covered type.
  RrType VerifySig(const Record& sig_record, const std::vector<Record>& zone, uint8_t algorithm) {
    auto sig = dns::Decode<dns::rdata::SIG>(sig_record.rdata);
    EXPECT_TRUE(sig.has_value());
    std::vector<dns::RdataBytes> rdatas;
    for (const Record& r : zone) {
      if (r.owner == sig_record.owner && r.type == sig->type_covered) rdatas.push_back(r.rdata);
    }
    EXPECT_FALSE(rdatas.empty());
    auto data = dns::SignedData(*sig, sig_record.owner, sig_record.klass, rdatas);
    EXPECT_TRUE(data.has_value());
    EXPECT_TRUE(key_->Verify(*crypto::RsaAlgorithmFromNumber(algorithm), *data,
                             sig->signature.bytes))
        << dns::RecordToText(sig_record);
    return sig->type_covered;
  }

  static crypto::RsaSigningKey* key_;
};
crypto::RsaSigningKey* LegacyZoneTest::key_ = nullptr;

TEST_F(LegacyZoneTest, EveryAuthoritativeRrsetIsSignedAndVerifies) {
  for (uint8_t algorithm : {1, 5}) {
    auto zone = SignZone(Parse(kZone), Signer(algorithm));
    ASSERT_TRUE(zone.has_value());
    std::map<std::string, std::set<RrType>> signed_types;
    for (const Record& r : *zone) {
      if (r.type == RrType::SIG) signed_types[r.owner.ToText()].insert(VerifySig(r, *zone, algorithm));
    }
    std::set<RrType> apex = {RrType::SOA, RrType::NS, RrType::KEY, RrType::NXT};
    EXPECT_EQ(signed_types["legacy."], apex);
    EXPECT_EQ(signed_types["www.legacy."], (std::set<RrType>{RrType::A, RrType::NXT}));
    EXPECT_EQ(signed_types["*.wild.legacy."], (std::set<RrType>{RrType::A, RrType::NXT}));
    // The delegation: the child's KEY and the NXT are the parent's; NS and glue are not signed.
    EXPECT_EQ(signed_types["child.legacy."], (std::set<RrType>{RrType::KEY, RrType::NXT}));
    EXPECT_FALSE(signed_types.contains("ns.child.legacy."));
  }
}

TEST_F(LegacyZoneTest, NxtChainIsCanonicalAndWrapsToApex) {
  auto zone = SignZone(Parse(kZone), Signer());
  ASSERT_TRUE(zone.has_value());
  std::map<std::string, dns::rdata::NXT> nxt;
  for (const Record& r : *zone) {
    if (r.type != RrType::NXT) continue;
    auto decoded = dns::Decode<dns::rdata::NXT>(r.rdata);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(r.ttl, 300u);  // The SOA minimum.
    nxt[r.owner.ToText()] = *decoded;
  }
  // Canonical order: legacy. < child < ns < *.wild < www (glue ns.child is not in the chain).
  ASSERT_EQ(nxt.size(), 5u);
  EXPECT_EQ(nxt["legacy."].next.ToText(), "child.legacy.");
  EXPECT_EQ(nxt["child.legacy."].next.ToText(), "ns.legacy.");
  EXPECT_EQ(nxt["ns.legacy."].next.ToText(), "*.wild.legacy.");
  EXPECT_EQ(nxt["*.wild.legacy."].next.ToText(), "www.legacy.");
  EXPECT_EQ(nxt["www.legacy."].next.ToText(), "legacy.");
  EXPECT_EQ(nxt["www.legacy."].types.types,
            (std::vector<RrType>{RrType::A, RrType::SIG, RrType::NXT}));
  EXPECT_TRUE(nxt["child.legacy."].types.Contains(RrType::KEY));
  EXPECT_TRUE(nxt["child.legacy."].types.Contains(RrType::NS));
}

TEST_F(LegacyZoneTest, WildcardSigCountsLabelsWithoutTheStar) {
  auto zone = SignZone(Parse(kZone), Signer());
  ASSERT_TRUE(zone.has_value());
  int seen = 0;
  for (const Record& r : *zone) {
    if (r.type != RrType::SIG || r.owner.ToText() != "*.wild.legacy.") continue;
    EXPECT_EQ(dns::Decode<dns::rdata::SIG>(r.rdata)->labels, 2);
    ++seen;
  }
  EXPECT_EQ(seen, 2);
}

TEST_F(LegacyZoneTest, ApexKeyIsAddedWithTheSignersTag) {
  auto zone = SignZone(Parse(kZone), Signer());
  ASSERT_TRUE(zone.has_value());
  Record key = ZoneKeyRecord(Signer(), 300);
  uint16_t tag = dns::KeyTag(key.rdata);
  int keys = 0;
  for (const Record& r : *zone) {
    if (r.type == RrType::KEY && r.owner.ToText() == "legacy.") {
      EXPECT_EQ(r.rdata, key.rdata);
      ++keys;
    }
    if (r.type == RrType::SIG) {
      EXPECT_EQ(dns::Decode<dns::rdata::SIG>(r.rdata)->key_tag, tag);
    }
  }
  EXPECT_EQ(keys, 1);
}

TEST_F(LegacyZoneTest, NoKeyRecordHasNoKeyMaterial) {
  Record key = ZoneKeyRecord(Signer(), 300, /*no_key=*/true);
  auto decoded = dns::Decode<dns::rdata::KEY>(key.rdata);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->flags, 0xC100);
  EXPECT_TRUE(decoded->public_key.bytes.empty());
}

TEST_F(LegacyZoneTest, SigsModeSignsEachRrsetAsGiven) {
  auto child_key = Parse("child 3600 KEY 256 3 1 AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmv\n");
  auto sigs = SignRrsets(child_key, Signer());
  ASSERT_TRUE(sigs.has_value());
  ASSERT_EQ(sigs->size(), 1u);
  EXPECT_EQ(VerifySig(sigs->front(), child_key, 1), RrType::KEY);
  EXPECT_EQ(dns::Decode<dns::rdata::SIG>(sigs->front().rdata)->signer.ToText(), "legacy.");
}

TEST_F(LegacyZoneTest, ZoneWithoutSoaIsRejected) {
  auto zone = SignZone(Parse("www 3600 A 127.0.0.1\n"), Signer());
  ASSERT_FALSE(zone.has_value());
  EXPECT_EQ(zone.error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace redoubt::resolver::testing
