#include "resolver/validator/dnssec_validator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "crypto/ds_digest.h"
#include "net/dns/canonical.h"
#include "net/dns/rdata.h"
#include "resolver/testing/pipeline_rig.h"
#include "resolver/testing/zone_signer.h"

namespace redoubt::resolver {
namespace {

using dns::EdeCode;
using dns::Name;
using dns::Rcode;
using dns::RrType;
using dns::Security;
using testing::SignedZone;
using testing::SignerOptions;

Name N(const std::string& text) { return *Name::FromText(text); }

// One zone of the test Internet: where it is served, its text, how it is signed (or not), and
// what is broken in it.
struct ZoneSpec {
  std::string apex, address, text;
  bool sign = true;
  SignerOptions options;
  std::function<void(SignedZone&)> breaker;
  bool publish_ds = true;                      // The parent gets this zone's DS.
  std::function<void(dns::Record&)> ds_breaker;  // Changes the DS the parent publishes.
};

ZoneSpec Spec(std::string apex, std::string address, std::string text) {
  ZoneSpec spec;
  spec.apex = std::move(apex);
  spec.address = std::move(address);
  spec.text = std::move(text);
  return spec;
}

// Counts the turns the validator gives the loop (resumes at once: no loop here).
class CountingYielder final : public Yielder {
 public:
  Task<void> Yield() override {
    ++turns;
    co_return;
  }
  int turns = 0;
};

// A signed root (anchored), com. under it, and below com.: example.com. (ECDSA, NSEC),
// n3.com. (NSEC3 with opt-out), insecure.com. (unsigned, no DS). Tests change a spec before
// Build() to break one thing.
class ValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    specs_["example.com."] = Spec("example.com.", "10.0.2.1",
        "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 10.0.2.1\nwww A 192.0.2.1\n"
        "www AAAA 2001:db8::1\nalias CNAME www\nout CNAME www.insecure.com.\n"
        "*.wild A 192.0.2.9\nsub.ent A 192.0.2.8\n");
    specs_["n3.com."] = Spec("n3.com.", "10.0.3.1",
        "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 10.0.3.1\nwww A 192.0.2.3\n"
        "unsigned NS ns.elsewhere.net.\n");
    specs_["n3.com."].options.nsec3 = true;
    specs_["n3.com."].options.opt_out = true;
    specs_["n3.com."].options.nsec3_salt = {0xab, 0xcd};
    specs_["n3.com."].options.nsec3_iterations = 5;
    specs_["insecure.com."] = Spec("insecure.com.", "10.0.4.1",
        "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 10.0.4.1\nwww A 192.0.2.4\n");
    specs_["insecure.com."].sign = false;
    specs_["com."] = Spec("com.", "10.0.1.1",
        "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.1.1\n"
        "example NS ns1.example\nns1.example A 10.0.2.1\n"
        "n3 NS ns1.n3\nns1.n3 A 10.0.3.1\n"
        "insecure NS ns1.insecure\nns1.insecure A 10.0.4.1\n");
    specs_["."] = Spec(".", "10.0.0.1",
        "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\na.root. A 10.0.0.1\n"
        "com. NS ns.com.\nns.com. A 10.0.1.1\n");
  }

  // Signs the zones bottom-up (each parent gets its children's DS), serves them, and builds
  // the floor with a DnssecValidator anchored at the root's KSK.
  void Build() {
    std::map<std::string, std::vector<dns::Record>> ds_for_parent;
    for (const char* apex : {"example.com.", "n3.com.", "insecure.com.", "com.", "."}) {
      ZoneSpec& spec = specs_[apex];
      std::string parent = spec.apex == "." ? "" : N(spec.apex).Parent().ToText();
      if (!spec.sign) {
        rig_.network.Serve(spec.address, spec.apex, spec.text);
        continue;
      }
      std::vector<dns::Record> extra = ds_for_parent[spec.apex];
      if (spec.apex == "com.") extra.insert(extra.end(), extra_com_records_.begin(), extra_com_records_.end());
      auto zone = SignedZone::Make(spec.apex, spec.text, spec.options, extra);
      ASSERT_TRUE(zone.has_value()) << spec.apex;
      if (spec.breaker) spec.breaker(*zone);
      dns::Record ds = zone->Ds();
      if (spec.ds_breaker) spec.ds_breaker(ds);
      if (spec.publish_ds && !parent.empty()) ds_for_parent[parent].push_back(ds);
      if (spec.apex == ".") anchors_ = TrustAnchorStore({ds}, negative_);
      rig_.network.ServeRecords(spec.address, zone->apex(), zone->records());
    }
    validator_ = std::make_unique<DnssecValidator>(anchors_, rig_.clock, options_, nullptr, &stats_);
    rig_.Build(nullptr, validator_.get());
  }

  Resolution Resolve(const std::string& name, RrType type, ClientFlags flags = {true, false, 1232}) {
    return rig_.Resolve({N(name), type, dns::RrClass::IN}, flags);
  }

  std::map<std::string, ZoneSpec> specs_;
  std::vector<dns::Record> extra_com_records_;  // Added to com. (after the children's DS).
  std::vector<Name> negative_;
  TrustAnchorStore anchors_;
  ValidatorOptions options_;
  ValidatorStats stats_;
  std::unique_ptr<DnssecValidator> validator_;
  testing::PipelineRig rig_;
};

TEST_F(ValidatorTest, SignedAnswerIsSecure) {
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  ASSERT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(r.security, Security::kSecure);
  ASSERT_EQ(r.answer.size(), 1u);
  EXPECT_EQ(r.answer[0].security, Security::kSecure);
  EXPECT_GE(stats_.secure.load(), 1u);  // The answer, and the DS sets on the way.
  EXPECT_EQ(stats_.bogus.load(), 0u);
}

TEST_F(ValidatorTest, NxDomainAndNoDataProvenWithNsecAreSecure) {
  Build();
  Resolution nx = Resolve("nothere.example.com.", RrType::A);
  EXPECT_EQ(nx.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(nx.security, Security::kSecure) << nx.ede_text;
  Resolution nodata = Resolve("www.example.com.", RrType::MX);
  EXPECT_EQ(nodata.rcode, Rcode::NOERROR);
  EXPECT_TRUE(nodata.answer.empty());
  EXPECT_EQ(nodata.security, Security::kSecure) << nodata.ede_text;
  Resolution ent = Resolve("ent.example.com.", RrType::A);  // Empty non-terminal.
  EXPECT_EQ(ent.rcode, Rcode::NOERROR);
  EXPECT_EQ(ent.security, Security::kSecure) << ent.ede_text;
}

TEST_F(ValidatorTest, Nsec3ProofsAreSecureAndOptOutIsInsecure) {
  Build();
  EXPECT_EQ(Resolve("www.n3.com.", RrType::A).security, Security::kSecure);
  Resolution nx = Resolve("nothere.n3.com.", RrType::A);
  EXPECT_EQ(nx.rcode, Rcode::NXDOMAIN);
  // The next closer name falls in an opt-out span (there is an unsigned delegation in the
  // zone), so RFC 5155 section 9.2 allows no more than insecure.
  EXPECT_EQ(nx.security, Security::kInsecure) << nx.ede_text;
  Resolution nodata = Resolve("www.n3.com.", RrType::MX);
  EXPECT_EQ(nodata.security, Security::kSecure) << nodata.ede_text;
}

TEST_F(ValidatorTest, UnsignedDelegationIsInsecure) {
  Build();
  Resolution r = Resolve("www.insecure.com.", RrType::A);
  ASSERT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(r.security, Security::kInsecure) << r.ede_text;
}

// A chain that starts secure and ends in an unsigned zone is insecure, never AD.
TEST_F(ValidatorTest, CnameFromSecureIntoInsecureIsInsecure) {
  Build();
  Resolution r = Resolve("out.example.com.", RrType::A);
  ASSERT_EQ(r.rcode, Rcode::NOERROR);
  ASSERT_EQ(r.answer.size(), 2u);
  EXPECT_EQ(r.answer[0].security, Security::kSecure);
  EXPECT_EQ(r.answer[1].security, Security::kInsecure);
  EXPECT_EQ(r.security, Security::kInsecure);
}

// The records of the chain itself, asked for by a client: the zone's DNSKEY set (validated
// against the DS, though the question is the very fetch the walker makes) and its DS set.
TEST_F(ValidatorTest, DnskeyAndDsQuestionsAreSecure) {
  Build();
  Resolution keys = Resolve("example.com.", RrType::DNSKEY);
  ASSERT_EQ(keys.rcode, Rcode::NOERROR) << keys.ede_text;
  EXPECT_EQ(keys.security, Security::kSecure) << keys.ede_text;
  Resolution ds = Resolve("example.com.", RrType::DS);
  ASSERT_EQ(ds.rcode, Rcode::NOERROR) << ds.ede_text;
  ASSERT_EQ(ds.answer.size(), 1u);
  EXPECT_EQ(ds.security, Security::kSecure) << ds.ede_text;
  Resolution root = Resolve(".", RrType::DNSKEY);
  EXPECT_EQ(root.security, Security::kSecure) << root.ede_text;
  Resolution no_ds = Resolve("insecure.com.", RrType::DS);  // NODATA proven by com.'s NSEC.
  EXPECT_EQ(no_ds.rcode, Rcode::NOERROR);
  EXPECT_EQ(no_ds.security, Security::kSecure) << no_ds.ede_text;
}

// A CNAME expanded from a wildcard in one zone, ending in NXDOMAIN in another: each link's
// proof is checked in its own zone (the authority section holds both zones' records).
TEST_F(ValidatorTest, WildcardCnameIntoAnotherZonesNxDomainIsSecure) {
  specs_["example.com."].text += "*.wc CNAME www\n*.wx CNAME nothere.n3.com.\n";
  specs_["n3.com."].options.opt_out = false;
  Build();
  Resolution positive = Resolve("a.wc.example.com.", RrType::A);
  ASSERT_EQ(positive.rcode, Rcode::NOERROR) << positive.ede_text << ::testing::PrintToString(rig_.network.log());
  ASSERT_EQ(positive.answer.size(), 2u);
  EXPECT_EQ(positive.security, Security::kSecure) << positive.ede_text;
  Resolution negative = Resolve("b.wx.example.com.", RrType::A);
  ASSERT_EQ(negative.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(negative.security, Security::kSecure) << negative.ede_text;
}

// QTYPE=RRSIG: the signatures are data, passed on and never judged (RFC 4035 section 3.2.1).
TEST_F(ValidatorTest, RrsigQuestionsAreNotValidated) {
  Build();
  Resolution r = Resolve("www.example.com.", RrType::RRSIG);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_FALSE(r.answer.empty());
  EXPECT_EQ(r.security, Security::kIndeterminate);
}

// security.md C1: one altered signature makes the answer SERVFAIL with EDE 6.
TEST_F(ValidatorTest, AlteredSignatureIsBogusWithEde6) {
  specs_["example.com."].breaker = [](SignedZone& z) { z.CorruptSignatures("www", RrType::A); };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kDnssecBogus) << r.ede_text;
  EXPECT_TRUE(r.answer.empty());
}

// RFC 4035 section 3.2.2: with CD the data goes out, still marked bogus (no AD).
TEST_F(ValidatorTest, CheckingDisabledReturnsBogusDataWithoutWithholdingIt) {
  specs_["example.com."].breaker = [](SignedZone& z) { z.CorruptSignatures("www", RrType::A); };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A, {true, true, 1232});
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  ASSERT_EQ(r.answer.size(), 1u);
  EXPECT_EQ(r.security, Security::kBogus);
}

// security.md C2, C3, C4: signatures outside their window.
TEST_F(ValidatorTest, ExpiredSignaturesGiveEde7) {
  specs_["example.com."].options.inception = 1'600'000'000;
  specs_["example.com."].options.expiration = 1'650'000'000;
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kSignatureExpired) << r.ede_text;
}

TEST_F(ValidatorTest, FutureSignaturesGiveEde8) {
  specs_["example.com."].options.inception = 1'750'000'000;
  specs_["example.com."].options.expiration = 1'760'000'000;
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kSignatureNotYetValid) << r.ede_text;
}

TEST_F(ValidatorTest, ExpirationBeforeInceptionGivesEde25) {
  specs_["example.com."].options.inception = 1'702'000'000;
  specs_["example.com."].options.expiration = 1'699'000'000;
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kSignatureExpiredBeforeValid) << r.ede_text;
}

// security.md C5: the parent's DS names no key of the child.
TEST_F(ValidatorTest, DsMatchingNoKeyGivesEde9) {
  specs_["example.com."].ds_breaker = [](dns::Record& ds) { ds.rdata.back() ^= 0xff; };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kDnskeyMissing) << r.ede_text;
}

// security.md C6: a signed zone whose answer arrives without RRSIGs.
TEST_F(ValidatorTest, StrippedSignaturesGiveEde10) {
  specs_["example.com."].breaker = [](SignedZone& z) { z.StripSignatures("www", RrType::A); };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kRrsigsMissing) << r.ede_text;
}

// security.md C7: a DS set with only an unsupported digest type makes the child insecure.
TEST_F(ValidatorTest, UnsupportedDsDigestMakesTheZoneInsecure) {
  specs_["example.com."].ds_breaker = [](dns::Record& ds) { ds.rdata[3] = 3; };  // GOST.
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(r.security, Security::kInsecure) << r.ede_text;
}

// security.md C9: an NXDOMAIN from a signed zone without its NSEC proof.
TEST_F(ValidatorTest, NxDomainWithoutProofGivesEde12) {
  specs_["example.com."].breaker = [](SignedZone& z) {
    auto& records = z.mutable_records();
    std::erase_if(records, [](const dns::Record& r) { return r.type == RrType::NSEC; });
  };
  Build();
  Resolution r = Resolve("nothere.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kNsecMissing) << r.ede_text;
}

// RFC 4035 section 5.3.4: a wildcard expansion is secure only with the proof that no closer
// name exists; without it (security.md C11) it is bogus.
TEST_F(ValidatorTest, WildcardExpansionNeedsItsProof) {
  Build();
  Resolution ok = Resolve("anything.wild.example.com.", RrType::A);
  ASSERT_EQ(ok.rcode, Rcode::NOERROR);
  EXPECT_EQ(ok.security, Security::kSecure) << ok.ede_text;
}

TEST_F(ValidatorTest, WildcardExpansionWithoutProofIsBogus) {
  specs_["example.com."].breaker = [](SignedZone& z) {
    auto& records = z.mutable_records();
    std::erase_if(records, [](const dns::Record& r) { return r.type == RrType::NSEC; });
  };
  Build();
  Resolution r = Resolve("anything.wild.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kNsecMissing) << r.ede_text;
}

// RFC 4035 section 5.3.3: min(TTL, original TTL, expiration - now).
TEST_F(ValidatorTest, ValidatedTtlIsCappedByOriginalTtlAndExpiry) {
  specs_["example.com."].text += "capped 300 A 192.0.2.7\n";
  specs_["example.com."].breaker = [](SignedZone& z) {
    for (auto& r : z.mutable_records()) {
      if (r.owner == N("capped.example.com.")) r.ttl = 86400;
    }
  };
  Build();
  Resolution r = Resolve("capped.example.com.", RrType::A);
  ASSERT_EQ(r.security, Security::kSecure) << r.ede_text;
  EXPECT_LE(r.answer[0].ttl, 300u);
  specs_["example.com."].options.expiration = 1'700'000'120;  // Two minutes after "now".
  rig_.network.ForgetAll();
  Build();
  Resolution soon = Resolve("capped.example.com.", RrType::A);
  ASSERT_EQ(soon.security, Security::kSecure) << soon.ede_text;
  EXPECT_LE(soon.answer[0].ttl, 120u);
}

// A bogus answer is remembered: the next question costs no upstream query (RFC 9520).
TEST_F(ValidatorTest, BogusAnswersAreRememberedForTheBogusTtl) {
  specs_["example.com."].breaker = [](SignedZone& z) { z.CorruptSignatures("www", RrType::A); };
  Build();
  ASSERT_EQ(Resolve("www.example.com.", RrType::A).rcode, Rcode::SERVFAIL);
  rig_.network.ClearLog();
  Resolution again = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(again.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(again.ede, EdeCode::kDnssecBogus);
  EXPECT_TRUE(rig_.network.log().empty());
  EXPECT_EQ(stats_.bogus_remembered.load(), 1u);
  rig_.clock.Advance(std::chrono::seconds(61));
  Resolve("www.example.com.", RrType::A);
  EXPECT_FALSE(rig_.network.log().empty());
}

// RFC 7646: under a negative trust anchor a broken zone is answered, insecure.
TEST_F(ValidatorTest, NegativeTrustAnchorMakesABrokenZoneInsecure) {
  specs_["example.com."].breaker = [](SignedZone& z) { z.CorruptSignatures("www", RrType::A); };
  negative_ = {N("example.com.")};
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(r.security, Security::kInsecure);
}

// KeyTrap (CVE-2023-50387): 40 signatures with the key's tag, all but the last invalid. At
// most 8 are checked for the RRset, the whole request stays within its budget.
TEST_F(ValidatorTest, ManySignaturesPerRRsetAreCappedAtEightChecks) {
  CountingYielder yielder;  // And the validator takes turns with the loop meanwhile.
  rig_.pipeline_options.yielder = &yielder;
  specs_["example.com."].breaker = [](SignedZone& z) {
    auto& records = z.mutable_records();
    std::vector<dns::Record> forged;
    for (const auto& r : records) {
      if (r.type != RrType::RRSIG || !(r.owner == N("www.example.com."))) continue;
      auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
      if (!sig || sig->type_covered != RrType::A) continue;
      for (int i = 0; i < 40; ++i) {
        dns::rdata::RRSIG bad = *sig;
        bad.signature.bytes[0] ^= static_cast<uint8_t>(i + 1);
        bad.inception.value += static_cast<uint32_t>(i + 1);  // Distinct records.
        dns::Record copy = r;
        copy.rdata = *dns::RdataToBytes(dns::Rdata(bad));
        forged.push_back(copy);
      }
    }
    z.StripSignatures("www", RrType::A);
    records.insert(records.end(), forged.begin(), forged.end());
  };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kDnssecBogus);
  EXPECT_NE(r.ede_text.find("more than 8 signature checks"), std::string::npos) << r.ede_text;
  // The chain (root, com., example.com. keys and DS sets) costs a few checks; the 40 forged
  // signatures add at most 8; the request stays far inside its budget of 32.
  EXPECT_GT(stats_.most_checks.load(), 8u);
  EXPECT_LE(stats_.most_checks.load(), 16u);
  // One turn for the loop after every 8 verifications (security.md B3), so cache hits on the
  // same worker are not held up behind a flood of these.
  EXPECT_GE(yielder.turns, 1);
  EXPECT_LE(yielder.turns, static_cast<int>(stats_.most_checks.load() / 8));
}


TEST_F(ValidatorTest, ValidationCanBeSwitchedOff) {
  specs_["example.com."].breaker = [](SignedZone& z) { z.CorruptSignatures("www", RrType::A); };
  options_.enabled = false;
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(r.security, Security::kIndeterminate);
}

// The fragment defence's second arm (docs/fragment-defence.md): an unverified reassembled
// reply is kept when its answer validates as Secure...
TEST_F(ValidatorTest, UnverifiedFragmentsAreKeptWhenTheAnswerIsSecure) {
  Build();
  rig_.network.Fragment("10.0.2.1");
  Resolution r = Resolve("www.example.com.", RrType::A);
  ASSERT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(r.security, Security::kSecure);
  EXPECT_EQ(rig_.stats.fragment_refetches.load(), 0u) << ::testing::PrintToString(rig_.network.log());
  // The A and the DNSKEY set, each once, each from fragments (the DS is the parent's).
  EXPECT_EQ(rig_.network.AskedOf("10.0.2.1"), 2u);
  const auto& log = rig_.network.log();
  EXPECT_EQ(std::count(log.begin(), log.end(), "10.0.2.1 www.example.com. A +frag"), 1);
  EXPECT_EQ(std::count(log.begin(), log.end(), "10.0.2.1 example.com. DNSKEY +frag"), 1);
}

// ...and fetched again with the defence strict when it does not (an insecure zone: a forged
// fragment there would be believed).
TEST_F(ValidatorTest, UnverifiedFragmentsAreFetchedAgainWhenTheAnswerIsNotSecure) {
  Build();
  rig_.network.Fragment("10.0.4.1");
  Resolution r = Resolve("www.insecure.com.", RrType::A);
  ASSERT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(r.security, Security::kInsecure);
  EXPECT_EQ(rig_.stats.fragment_refetches.load(), 1u);
  const auto& log = rig_.network.log();
  EXPECT_EQ(std::count(log.begin(), log.end(), "10.0.4.1 www.insecure.com. A +frag"), 1);
  EXPECT_EQ(std::count(log.begin(), log.end(), "10.0.4.1 www.insecure.com. A"), 1);
}

// A referral that arrives as unverified fragments is never followed: it is asked for again.
TEST_F(ValidatorTest, ReferralsFromUnverifiedFragmentsAreAskedAgainStrictly) {
  Build();
  rig_.network.Fragment("10.0.1.1");
  Resolution r = Resolve("www.example.com.", RrType::A);
  ASSERT_EQ(r.security, Security::kSecure);
  const auto& log = rig_.network.log();
  auto referral = std::find(log.begin(), log.end(), "10.0.1.1 example.com. A +frag");
  ASSERT_NE(referral, log.end());
  EXPECT_EQ(*(referral + 1), "10.0.1.1 example.com. A");  // The same server, strictly.
}

// security.md C "bogus caching": of the zone's two servers one has an altered signature; the
// answer comes from the other whichever is asked first, and no server is asked twice.
TEST_F(ValidatorTest, ABogusServerDoesNotPoisonTheZone) {
  specs_["example.com."].text += "@ NS ns2\nns2 A 10.0.2.2\n";
  specs_["com."].text += "example NS ns2.example\nns2.example A 10.0.2.2\n";
  specs_["example.com."].breaker = [this](SignedZone& z) {
    SignedZone bad = z;
    bad.CorruptSignatures("www", RrType::A);
    rig_.network.ServeRecords("10.0.2.2", bad.apex(), bad.records());
  };
  Build();
  for (int round = 0; round < 4; ++round) {  // Server choice is random: try it a few times.
    rig_.network.ClearLog();
    Resolution r = Resolve("www.example.com.", RrType::A);
    ASSERT_EQ(r.rcode, Rcode::NOERROR) << r.ede_text;
    EXPECT_EQ(r.security, Security::kSecure);
    const auto& log = rig_.network.log();
    EXPECT_LE(std::count(log.begin(), log.end(), "10.0.2.2 www.example.com. A"), 1);
    EXPECT_LE(std::count(log.begin(), log.end(), "10.0.2.1 www.example.com. A"), 1);
  }
}

// Every server bad: SERVFAIL, each asked once, then remembered.
TEST_F(ValidatorTest, AllServersBogusIsSERVFAILAfterOneTryEach) {
  specs_["example.com."].text += "@ NS ns2\nns2 A 10.0.2.2\n";
  specs_["com."].text += "example NS ns2.example\nns2.example A 10.0.2.2\n";
  specs_["example.com."].breaker = [this](SignedZone& z) {
    z.CorruptSignatures("www", RrType::A);
    rig_.network.ServeRecords("10.0.2.2", z.apex(), z.records());
  };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kDnssecBogus);
  EXPECT_EQ(rig_.network.AskedOf("10.0.2.1") + rig_.network.AskedOf("10.0.2.2"), 3u);  // A, A, DNSKEY.
  EXPECT_GE(rig_.stats.bogus_retries.load(), 1u);  // The second finds no server left.
  rig_.network.ClearLog();
  EXPECT_EQ(Resolve("www.example.com.", RrType::A).rcode, Rcode::SERVFAIL);
  EXPECT_TRUE(rig_.network.log().empty());  // Remembered as bogus.
}

// security.md C7: the EDE says why an anchored-looking zone is only insecure (RFC 8914 2).
TEST_F(ValidatorTest, UnsupportedDsDigestSaysSoWithEde2) {
  specs_["example.com."].ds_breaker = [](dns::Record& ds) { ds.rdata[3] = 3; };  // GOST.
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.security, Security::kInsecure);
  EXPECT_EQ(r.ede, EdeCode::kUnsupportedDsDigestType) << r.ede_text;
}

TEST_F(ValidatorTest, DsWithOnlyAnUnsupportedAlgorithmIsInsecureWithEde1) {
  specs_["example.com."].ds_breaker = [](dns::Record& ds) { ds.rdata[2] = 253; };  // PRIVATEDNS.
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(r.security, Security::kInsecure);
  EXPECT_EQ(r.ede, EdeCode::kUnsupportedDnskeyAlgorithm) << r.ede_text;
}

// security.md C8: a supported DS beside an unsupported one is still checked (no downgrade).
TEST_F(ValidatorTest, MixedDsSetDoesNotDowngradeABrokenZone) {
  specs_["example.com."].breaker = [](SignedZone& z) { z.CorruptSignatures("www", RrType::A); };
  specs_["example.com."].ds_breaker = [this](dns::Record& ds) {
    dns::Record unsupported = ds;
    unsupported.rdata[2] = 253;
    extra_com_records_.push_back(unsupported);
  };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kDnssecBogus) << r.ede_text;
}

// security.md C11: a signature claiming more labels than its owner has proves nothing.
TEST_F(ValidatorTest, RrsigLabelsAboveTheOwnersAreBogus) {
  specs_["example.com."].breaker = [](SignedZone& z) {
    for (auto& r : z.mutable_records()) {
      if (r.type != RrType::RRSIG || !(r.owner == N("www.example.com."))) continue;
      r.rdata[3] = 5;  // Labels (RFC 4034 section 3.1.3): www.example.com. has 3.
    }
  };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kDnssecBogus) << r.ede_text;
}

// security.md C13: the key the DS names is not a zone key.
TEST_F(ValidatorTest, DnskeyWithoutZoneKeyFlagGivesEde11) {
  auto modified = std::make_shared<std::vector<uint8_t>>();
  specs_["example.com."].breaker = [modified](SignedZone& z) {
    for (auto& r : z.mutable_records()) {
      if (r.type != RrType::DNSKEY) continue;
      r.rdata[0] &= 0xfe;  // Flags 257 -> 1: no Zone Key bit (RFC 4034 section 2.1.1).
      *modified = r.rdata;
    }
  };
  specs_["example.com."].ds_breaker = [modified](dns::Record& ds) {  // The DS names it as it is.
    auto digest = crypto::DsDigest(2, ds.owner, *modified);
    ASSERT_TRUE(digest.has_value());
    uint16_t tag = dns::KeyTag(*modified);
    ds.rdata[0] = static_cast<uint8_t>(tag >> 8);
    ds.rdata[1] = static_cast<uint8_t>(tag & 0xff);
    std::copy(digest->bytes().begin(), digest->bytes().end(), ds.rdata.begin() + 4);
  };
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede, EdeCode::kNoZoneKeyBitSet) << r.ede_text;
}

// Time passes (security.md C "Clock skew", Deckard TIME_PASSES): the same signatures that were
// good are expired once the clock moves 40 days on.
TEST_F(ValidatorTest, ClockMovedPastExpiryMakesTheSameDataBogus) {
  Build();
  ASSERT_EQ(Resolve("www.example.com.", RrType::A).security, Security::kSecure);
  rig_.clock.Advance(std::chrono::hours(24 * 40));
  validator_ = std::make_unique<DnssecValidator>(anchors_, rig_.clock, options_, nullptr, &stats_);
  rig_.Build(nullptr, validator_.get());
  Resolution later = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(later.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(later.ede, EdeCode::kSignatureExpired) << later.ede_text;
}

// NSEC3 iterations above the limit (RFC 9276 section 3.2): insecure with EDE 27, not bogus.
TEST_F(ValidatorTest, Nsec3IterationsAboveTheLimitAreInsecureWithEde27) {
  specs_["n3.com."].options.nsec3_iterations = 51;
  specs_["n3.com."].options.opt_out = false;
  Build();
  Resolution nx = Resolve("nothere.n3.com.", RrType::A);
  EXPECT_EQ(nx.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(nx.security, Security::kInsecure);
  EXPECT_EQ(nx.ede, EdeCode::kUnsupportedNsec3Iterations) << nx.ede_text;
  EXPECT_EQ(Resolve("www.n3.com.", RrType::A).security, Security::kSecure);  // Positive: fine.
}

// Every algorithm redoubt validates, as the signer of a whole chain.
class AlgorithmTest : public ValidatorTest, public ::testing::WithParamInterface<dns::DnssecAlgorithm> {};

TEST_P(AlgorithmTest, ZoneSignedWithTheAlgorithmValidates) {
  for (auto& [apex, spec] : specs_) spec.options.algorithm = GetParam();
  Build();
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.security, Security::kSecure) << r.ede_text;
  Resolution nx = Resolve("nothere.example.com.", RrType::A);
  EXPECT_EQ(nx.security, Security::kSecure) << nx.ede_text;
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, AlgorithmTest,
                         ::testing::Values(dns::DnssecAlgorithm::RSASHA1,
                                           dns::DnssecAlgorithm::RSASHA1_NSEC3_SHA1,
                                           dns::DnssecAlgorithm::RSASHA256,
                                           dns::DnssecAlgorithm::RSASHA512,
                                           dns::DnssecAlgorithm::ECDSAP256SHA256,
                                           dns::DnssecAlgorithm::ECDSAP384SHA384,
                                           dns::DnssecAlgorithm::ED25519,
                                           dns::DnssecAlgorithm::ED448));

}  // namespace
}  // namespace redoubt::resolver
