// The RFC 2065 family of the validator (issue #13) over the fake network: the lab's legacy tree
// (tests/lab/lib/zones.sh, legacy.sh) rebuilt here with the lab's own signer, so each of the
// lab table's legacy rows is checked without the lab, plus the broken variants the issue lists.
// Like NSD, the fake network never adds SIG or NXT records to answers: the validator must ask.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

#include "crypto/rsa_signing_key.h"
#include "net/dns/canonical.h"
#include "net/dns/rdata.h"
#include "net/dns/zone_parser.h"
#include "resolver/testing/legacy_zone.h"
#include "resolver/testing/pipeline_rig.h"
#include "resolver/testing/zone_signer.h"
#include "resolver/validator/dnssec_validator.h"

namespace redoubt::resolver {
namespace {

using dns::EdeCode;
using dns::Name;
using dns::Rcode;
using dns::Record;
using dns::RrType;
using dns::Security;
using testing::LegacySigner;

Name N(const std::string& text) { return *Name::FromText(text); }

constexpr uint32_t kInception = 1'699'000'000;   // Before the simulated clock's start.
constexpr uint32_t kExpiration = 1'702'000'000;  // About a month after it.

std::vector<Record> Parse(const std::string& apex, const std::string& text) {
  dns::ZoneParseOptions options;
  options.origin = N(apex);
  options.default_ttl = 300;
  auto records = dns::ParseZoneText(text, apex, options);
  EXPECT_TRUE(records.has_value()) << apex;
  return records ? *records : std::vector<Record>{};
}

void Append(std::vector<Record>& to, const std::vector<Record>& more) { to.insert(to.end(), more.begin(), more.end()); }

// Replaces the last octet of the signature of every SIG at `owner` covering `covered`.
void CorruptSig(std::vector<Record>& records, const std::string& owner, RrType covered) {
  for (Record& r : records) {
    if (r.type != RrType::SIG || !(r.owner == N(owner))) continue;
    auto sig = dns::Decode<dns::rdata::SIG>(r.rdata);
    if (!sig || sig->type_covered != covered) continue;
    sig->signature.bytes.back() ^= 0x01;
    r.rdata = *dns::RdataToBytes(*sig);
  }
}

// Removes the SIGs at `owner` made by `signer`.
void DropSigsBy(std::vector<Record>& records, const std::string& owner, const std::string& signer) {
  std::erase_if(records, [&](const Record& r) {
    if (r.type != RrType::SIG || !(r.owner == N(owner))) return false;
    auto sig = dns::Decode<dns::rdata::SIG>(r.rdata);
    return sig && sig->signer == N(signer);
  });
}

class LegacyValidatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    legacy_key_ = std::make_unique<crypto::RsaSigningKey>(*crypto::RsaSigningKey::Generate(1024));
    child_key_ = std::make_unique<crypto::RsaSigningKey>(*crypto::RsaSigningKey::Generate(1024));
  }
  static void TearDownTestSuite() {
    legacy_key_.reset();
    child_key_.reset();
  }

  LegacySigner ParentSigner() const { return {N("legacy."), 1, inception_, expiration_, legacy_key_.get()}; }
  LegacySigner ChildSigner() const { return {N("child.legacy."), 5, inception_, expiration_, child_key_.get()}; }

  // legacy. (RSA/MD5) with child.legacy. (RSA/SHA-1, its KEY signed by legacy. too) and
  // unsigned.legacy. (a no-key KEY signed by legacy.), under a modern signed root that
  // delegates legacy. without a DS.
  void Build() {
    LegacySigner parent = ParentSigner(), child = ChildSigner();
    Record child_key = testing::ZoneKeyRecord(child, 300);
    Record no_key = testing::ZoneKeyRecord({N("unsigned.legacy."), 1, inception_, expiration_, legacy_key_.get()}, 300, true);

    std::vector<Record> legacy = Parse("legacy.",
        "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.50.1\nwww " + www_ttl_ + " A 192.0.2.50\n"
        "www TXT \"signed the RFC 2065 way\"\n*.wild A 192.0.2.51\nbadsig A 192.0.2.52\n"
        "child NS ns.child\nns.child A 10.0.50.2\nunsigned NS ns.unsigned\nns.unsigned A 10.0.50.3\n");
    legacy.push_back(child_key);
    legacy.push_back(no_key);
    legacy = *testing::SignZone(std::move(legacy), parent);
    CorruptSig(legacy, "badsig.legacy.", RrType::A);
    if (legacy_breaker_) legacy_breaker_(legacy);

    std::vector<Record> child_zone = *testing::SignZone(
        Parse("child.legacy.", "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.50.2\nwww A 192.0.2.53\n"), child);
    Append(child_zone, *testing::SignRrsets({child_key}, parent));  // Served at the child's apex.
    if (child_breaker_) child_breaker_(child_zone);

    std::vector<Record> unsigned_zone =
        Parse("unsigned.legacy.", "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.50.3\nwww A 192.0.2.54\n");
    unsigned_zone.push_back(no_key);
    Append(unsigned_zone, *testing::SignRrsets({no_key}, parent));

    auto root = testing::SignedZone::Make(".", "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\n"
                                               "a.root. A 10.0.0.1\nlegacy. NS ns.legacy.\nns.legacy. A 10.0.50.1\n",
                                          {}, root_extra_);
    ASSERT_TRUE(root.has_value());
    rig_.network.ServeRecords("10.0.0.1", N("."), root->records());
    rig_.network.ServeRecords("10.0.50.1", N("legacy."), legacy);
    rig_.network.ServeRecords("10.0.50.2", N("child.legacy."), child_zone);
    rig_.network.ServeRecords("10.0.50.3", N("unsigned.legacy."), unsigned_zone);

    std::vector<Record> anchors = {root->Ds()};
    if (legacy_anchor_) anchors.push_back(testing::ZoneKeyRecord(parent, 300));
    anchors_ = TrustAnchorStore(anchors, {});
    validator_ = std::make_unique<DnssecValidator>(anchors_, rig_.clock, ValidatorOptions{}, nullptr, &stats_);
    rig_.Build(nullptr, validator_.get());
  }

  Resolution Resolve(const std::string& name, RrType type) {
    return rig_.Resolve({N(name), type, dns::RrClass::IN}, {true, false, 1232});
  }

  static inline std::unique_ptr<crypto::RsaSigningKey> legacy_key_, child_key_;
  uint32_t inception_ = kInception, expiration_ = kExpiration;
  std::string www_ttl_ = "300";
  bool legacy_anchor_ = true;
  std::vector<Record> root_extra_;
  std::function<void(std::vector<Record>&)> legacy_breaker_, child_breaker_;
  TrustAnchorStore anchors_;
  ValidatorStats stats_;
  std::unique_ptr<DnssecValidator> validator_;
  testing::PipelineRig rig_;
};

struct Row {
  const char* name;
  RrType type;
  Rcode rcode;
  Security security;
};

// tests/lab/expectations.tsv, the legacy-* column: the verdicts of legacy_verify.py.
TEST_F(LegacyValidatorTest, TheLabsLegacyRowsGetTheIndependentVerifiersVerdicts) {
  Build();
  const Row rows[] = {
      {"legacy.", RrType::SOA, Rcode::NOERROR, Security::kSecure},
      {"www.legacy.", RrType::A, Rcode::NOERROR, Security::kSecure},
      {"www.legacy.", RrType::TXT, Rcode::NOERROR, Security::kSecure},
      {"www.legacy.", RrType::MX, Rcode::NOERROR, Security::kSecure},         // NODATA by NXT.
      {"nx.legacy.", RrType::A, Rcode::NXDOMAIN, Security::kSecure},         // Covering NXT, no *.
      {"x.wild.legacy.", RrType::A, Rcode::NOERROR, Security::kSecure},      // Wildcard, labels 2.
      {"www.child.legacy.", RrType::A, Rcode::NOERROR, Security::kSecure},   // KEY signed by legacy.
      {"nx.child.legacy.", RrType::A, Rcode::NXDOMAIN, Security::kSecure},
      {"www.unsigned.legacy.", RrType::A, Rcode::NOERROR, Security::kInsecure},  // No-key KEY.
  };
  for (const Row& row : rows) {
    Resolution r = Resolve(row.name, row.type);
    EXPECT_EQ(r.rcode, row.rcode) << row.name << " " << dns::RrTypeToText(row.type) << ": " << r.ede_text;
    EXPECT_EQ(r.security, row.security) << row.name << " " << dns::RrTypeToText(row.type) << ": " << r.ede_text;
  }
  Resolution bad = Resolve("badsig.legacy.", RrType::A);  // legacy-bogus: the SIG was altered.
  EXPECT_EQ(bad.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(bad.ede, EdeCode::kDnssecBogus) << bad.ede_text;
}

TEST_F(LegacyValidatorTest, SigsAreKeptBesideTheirRrsets) {
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  ASSERT_EQ(r.answer.size(), 1u);
  ASSERT_FALSE(r.answer[0].legacy_sigs.empty());  // What the cache stores and DO clients get.
  EXPECT_EQ(r.answer[0].legacy_sigs[0].signer, N("legacy."));
}

// What the validator had to ask for goes out with the answer (and into the cache): the NXT
// records that prove it, each with its SIG.
TEST_F(LegacyValidatorTest, NegativeAnswersCarryTheNxtRecordsThatProveThem) {
  Build();
  Resolution r = Resolve("nx.legacy.", RrType::A);
  ASSERT_EQ(r.security, Security::kSecure) << r.ede_text;
  std::vector<std::string> nxt_owners;
  for (const dns::RRset& set : r.authority) {
    if (set.type != RrType::NXT) continue;
    nxt_owners.push_back(set.owner.ToText());
    EXPECT_FALSE(set.legacy_sigs.empty()) << set.owner.ToText();
  }
  std::sort(nxt_owners.begin(), nxt_owners.end());
  EXPECT_EQ(nxt_owners, (std::vector<std::string>{"legacy.", "ns.legacy."}));  // nx, then *.legacy.
}

TEST_F(LegacyValidatorTest, WithoutALegacyTrustPointTheTreeIsInsecure) {
  legacy_anchor_ = false;
  Build();
  for (const char* name : {"www.legacy.", "badsig.legacy.", "www.child.legacy."}) {
    Resolution r = Resolve(name, RrType::A);
    EXPECT_EQ(r.rcode, Rcode::NOERROR) << name;
    EXPECT_EQ(r.security, Security::kInsecure) << name;
  }
}

TEST_F(LegacyValidatorTest, ExpiredSigIsBogus) {
  expiration_ = 1'699'500'000;  // Before the clock's 1,700,000,000.
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kSignatureExpired) << r.ede_text;
}

TEST_F(LegacyValidatorTest, SigNotYetValidIsBogus) {
  inception_ = 1'700'500'000;
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kSignatureNotYetValid) << r.ede_text;
}

// A SIG whose key footprint names no KEY of the signer (RFC 2065 section 4.1.6).
TEST_F(LegacyValidatorTest, SigWithTheWrongKeyFootprintIsBogus) {
  legacy_breaker_ = [](std::vector<Record>& records) {
    for (Record& r : records) {
      if (r.type != RrType::SIG || !(r.owner == N("www.legacy."))) continue;
      auto sig = *dns::Decode<dns::rdata::SIG>(r.rdata);
      sig.key_tag ^= 0x5a5a;
      r.rdata = *dns::RdataToBytes(sig);
    }
  };
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kDnskeyMissing) << r.ede_text;
}

// RFC 2065 section 2.3.4: the parent's signature over the child's KEY is what counts; a KEY set
// signed only by the child itself proves nothing.
TEST_F(LegacyValidatorTest, ChildKeySignedOnlyByTheChildIsBogus) {
  child_breaker_ = [](std::vector<Record>& records) { DropSigsBy(records, "child.legacy.", "legacy."); };
  Build();
  Resolution r = Resolve("www.child.legacy.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL) << r.ede_text;
  EXPECT_NE(r.ede_text.find("not signed by legacy."), std::string::npos) << r.ede_text;
  EXPECT_EQ(Resolve("www.legacy.", RrType::A).security, Security::kSecure);  // The parent is fine.
}

// RFC 2535 section 6.3.1: a signer signs only at or below itself. child.legacy.'s valid key
// signing www.legacy. (its parent's name) is not accepted.
TEST_F(LegacyValidatorTest, SigByASignerOutsideItsAuthorityIsBogus) {
  LegacySigner child = ChildSigner();
  legacy_breaker_ = [child](std::vector<Record>& records) {
    DropSigsBy(records, "www.legacy.", "legacy.");
    std::vector<Record> www;
    for (const Record& r : records) {
      if (r.owner == N("www.legacy.") && r.type == RrType::A) www.push_back(r);
    }
    Append(records, *testing::SignRrsets(www, child));
  };
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kRrsigsMissing) << r.ede_text;
}

// RFC 2065 section 2.3.3 (seed 002): the TTL handed out is bounded by the SIG's original TTL
// and by the time left before the SIG expires.
TEST_F(LegacyValidatorTest, TtlIsBoundedByTheOriginalTtlAndTheExpiration) {
  legacy_breaker_ = [](std::vector<Record>& records) {  // The server inflates the TTL it sends.
    for (Record& r : records) {
      if (r.owner == N("www.legacy.") && r.type == RrType::A) r.ttl = 86400;
    }
  };
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  ASSERT_EQ(r.security, Security::kSecure) << r.ede_text;
  EXPECT_LE(r.answer[0].ttl, 300u);
}

TEST_F(LegacyValidatorTest, NothingIsServedPastTheSigsExpiration) {
  expiration_ = 1'700'000'100;  // 100 s after the clock's start.
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  ASSERT_EQ(r.security, Security::kSecure) << r.ede_text;
  EXPECT_LE(r.answer[0].ttl, 100u);
  // The TTL bound makes any cache drop it at expiry; asked again past the clock-skew allowance
  // (signature_time.h: 10% of the validity, here the 24 h ceiling), the SIG no longer counts.
  rig_.clock.Advance(std::chrono::seconds(100 + 86400 + 60));
  validator_ = std::make_unique<DnssecValidator>(anchors_, rig_.clock, ValidatorOptions{}, nullptr, &stats_);
  rig_.Build(nullptr, validator_.get());
  Resolution later = Resolve("www.legacy.", RrType::A);
  EXPECT_EQ(later.rcode, Rcode::SERVFAIL) << static_cast<int>(later.security) << " " << later.ede_text;
  EXPECT_EQ(later.ede, EdeCode::kSignatureExpired) << later.ede_text;
}

// KeyTrap through the legacy family (CVE-2023-50387): 40 SIGs with the key's footprint, all
// invalid. The same caps as for RRSIGs apply: at most 8 checks for the RRset, all charged to the
// request's budget.
TEST_F(LegacyValidatorTest, ManySigsForOneRrsetAreCappedLikeRrsigs) {
  legacy_breaker_ = [](std::vector<Record>& records) {
    std::vector<Record> forged;
    for (const Record& r : records) {
      if (r.type != RrType::SIG || !(r.owner == N("www.legacy."))) continue;
      auto sig = *dns::Decode<dns::rdata::SIG>(r.rdata);
      if (sig.type_covered != RrType::A) continue;
      for (int i = 0; i < 40; ++i) {
        sig.signature.bytes[0] ^= static_cast<uint8_t>(i + 1);
        sig.inception.value += 1;  // Distinct records.
        forged.push_back(Record{r.owner, RrType::SIG, r.klass, r.ttl, *dns::RdataToBytes(sig)});
      }
    }
    DropSigsBy(records, "www.legacy.", "legacy.");
    Append(records, forged);
  };
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_NE(r.ede_text.find("more than 8 signature checks"), std::string::npos) << r.ede_text;
  EXPECT_LE(stats_.most_checks.load(), 16u);  // The KEY sets, then 8 for the forged SIGs.
}

// A zone is never both: when a modern DS chain reaches legacy., the modern rules judge it (here
// a DS that matches no DNSKEY: bogus), and the legacy trust point below is not consulted.
TEST_F(LegacyValidatorTest, AModernChainReachingTheZoneWins) {
  root_extra_ = Parse(".", "legacy. DS 12345 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
  Build();
  Resolution r = Resolve("www.legacy.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_NE(r.security, Security::kSecure);
}

}  // namespace
}  // namespace redoubt::resolver
