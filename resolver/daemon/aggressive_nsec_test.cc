// Aggressive use of the validated cache (RFC 8198) end to end: the DnssecValidator over the
// LMDB answer store, as the worker wires them (the daemon is the one room that sees both the
// validator and cache_store; docs/architecture.md "Rooms"), on signed zones served by the fake
// network with minimal denials, through the real pipeline.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "cache/lmdb_cache.h"
#include "crypto/nsec3_hash.h"
#include "net/dns/base_encoding.h"
#include "net/dns/rdata.h"
#include "resolver/cache_store/lmdb_answer_store.h"
#include "resolver/testing/pipeline_rig.h"
#include "resolver/testing/zone_signer.h"
#include "resolver/validator/dnssec_validator.h"

namespace redoubt::resolver {
namespace {

using namespace std::chrono_literals;
using dns::Name;
using dns::Rcode;
using dns::RrType;
using dns::Security;
using testing::SignedZone;
using testing::SignerOptions;

Name N(const std::string& text) { return *Name::FromText(text); }

struct ZoneSpec {
  std::string apex, address, text;
  SignerOptions options;
  bool publish_ds = true;  // false: an island of security, insecure from the root.
};

// Whether an NSEC3 RRset of `sets` covers (not matches) the hash of `name` (RFC 5155 section
// 8.3): which names the ranges a first answer brought can speak for.
bool Nsec3Covers(const std::vector<dns::RRset>& sets, const Name& name) {
  for (const dns::RRset& set : sets) {
    if (set.type != RrType::NSEC3 || set.rdatas.size() != 1) continue;
    auto label = set.owner.Label(0);
    auto owner = dns::DecodeBase32Hex(std::string_view(reinterpret_cast<const char*>(label.data()), label.size()));
    auto rdata = dns::Decode<dns::rdata::NSEC3>(set.rdatas[0]);
    if (!owner || !rdata) continue;
    auto digest = crypto::Nsec3Hash(name, rdata->hash_algorithm, rdata->salt.bytes, rdata->iterations);
    if (!digest) continue;
    std::vector<uint8_t> h(digest->bytes().begin(), digest->bytes().end());
    const std::vector<uint8_t>& next = rdata->next_hashed.bytes;
    if (*owner < next ? (*owner < h && h < next) : (*owner < h || h < next)) return true;
  }
  return false;
}

// A signed root (anchored) and com., and under com.: example.com. (NSEC, a wildcard below w),
// n3.com. (NSEC3), oo.com. (NSEC3 with opt-out and an unsigned delegation) and island.com.
// (signed, NSEC, but without a DS in com.: insecure). Every server
// sends minimal denials, so a negative answer caches only the ranges its proof needs.
class AggressiveNsecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("redoubt-aggressive-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    cache::CacheOptions cache_options;
    cache_options.directory = dir_.string();
    cache_options.max_size = 16 << 20;
    cache_ = std::move(*cache::LmdbCache::Open(cache_options, nullptr));
    store_ = std::make_unique<LmdbAnswerStore>(*cache_, rig_.clock, cache::TtlBounds{}, &store_stats_);
    const std::string names = "a A 192.0.2.10\nb A 192.0.2.11\nc A 192.0.2.12\nd A 192.0.2.13\n"
                              "e A 192.0.2.14\nf A 192.0.2.15\ng A 192.0.2.16\nh A 192.0.2.17\n";
    auto add = [this](const std::string& apex, const std::string& address, const std::string& text) {
      specs_[apex] = ZoneSpec{apex, address, text, {}, true};
    };
    add("example.com.", "10.0.2.1",
        "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 10.0.2.1\nc A 192.0.2.1\nm A 192.0.2.2\n"
        "x A 192.0.2.3\n*.w TXT \"wild\"\na.w A 192.0.2.4\n");
    add("n3.com.", "10.0.3.1", "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 10.0.3.1\nwww A 192.0.2.3\n" + names);
    add("oo.com.", "10.0.5.1",
        "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 10.0.5.1\nwww A 192.0.2.5\n"
        "unsigned NS ns.elsewhere.net.\n" + names);
    add("island.com.", "10.0.6.1", "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 10.0.6.1\nc A 192.0.2.6\nm A 192.0.2.7\n");
    specs_["island.com."].publish_ds = false;
    add("com.", "10.0.1.1",
        "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.1.1\nexample NS ns1.example\nns1.example A 10.0.2.1\n"
        "n3 NS ns1.n3\nns1.n3 A 10.0.3.1\noo NS ns1.oo\nns1.oo A 10.0.5.1\n"
        "island NS ns1.island\nns1.island A 10.0.6.1\n");
    add(".", "10.0.0.1",
        "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\na.root. A 10.0.0.1\ncom. NS ns.com.\nns.com. A 10.0.1.1\n");
    for (const char* apex : {"n3.com.", "oo.com."}) {
      specs_[apex].options.nsec3 = true;
      specs_[apex].options.nsec3_salt = {0xab, 0xcd};
      specs_[apex].options.nsec3_iterations = 5;
    }
    specs_["oo.com."].options.opt_out = true;
  }

  void TearDown() override {
    rig_.pipeline.reset();
    validator_.reset();
    store_.reset();
    cache_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Signs the zones bottom-up, serves them with minimal denials, and builds the floor with a
  // DnssecValidator whose store is the pipeline's LMDB store.
  void Build() {
    std::map<std::string, std::vector<dns::Record>> ds_for_parent;
    for (const char* apex : {"example.com.", "n3.com.", "oo.com.", "island.com.", "com.", "."}) {
      ZoneSpec& spec = specs_[apex];
      auto zone = SignedZone::Make(apex, spec.text, spec.options, ds_for_parent[apex]);
      ASSERT_TRUE(zone.has_value()) << apex;
      if (spec.apex != "." && spec.publish_ds) ds_for_parent[N(apex).Parent().ToText()].push_back(zone->Ds());
      if (spec.apex == ".") anchors_ = TrustAnchorStore({zone->Ds()}, {});
      rig_.network.ServeRecords(spec.address, zone->apex(), zone->records());
      rig_.network.MinimalDenials(spec.address);
    }
    validator_ = std::make_unique<DnssecValidator>(anchors_, rig_.clock, options_, store_.get(), &stats_);
    rig_.Build(store_.get(), validator_.get());
  }

  Resolution Resolve(const std::string& name, RrType type, ClientFlags flags = {true, false, 1232}) {
    return rig_.Resolve({N(name), type, dns::RrClass::IN}, flags);
  }

  // Resolves `name` after clearing the network log; true when nothing was sent upstream.
  bool AnsweredLocally(const std::string& name, RrType type, Resolution& out, ClientFlags flags = {true, false, 1232}) {
    rig_.network.ClearLog();
    out = Resolve(name, type, flags);
    return rig_.network.log().empty();
  }

  testing::PipelineRig rig_;
  std::filesystem::path dir_;
  std::unique_ptr<cache::LmdbCache> cache_;
  AnswerStoreStats store_stats_;
  std::unique_ptr<LmdbAnswerStore> store_;
  std::map<std::string, ZoneSpec> specs_;
  TrustAnchorStore anchors_;
  ValidatorOptions options_;
  ValidatorStats stats_;
  std::unique_ptr<DnssecValidator> validator_;
};

TEST_F(AggressiveNsecTest, NameInACachedSecureNsecRangeIsNxDomainWithoutAskingUpstream) {
  Build();
  Resolution first = Resolve("d.example.com.", RrType::A);  // Caches example.com..c and c..m.
  ASSERT_EQ(first.rcode, Rcode::NXDOMAIN);
  ASSERT_EQ(first.security, Security::kSecure) << first.ede_text;
  Resolution r;
  EXPECT_TRUE(AnsweredLocally("e.example.com.", RrType::A, r));
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(r.security, Security::kSecure);  // AD for clients that want it.
  EXPECT_EQ(r.ede, dns::EdeCode::kSynthesized);
  EXPECT_TRUE(r.answer.empty());
  // The proof goes with it for DO=1 clients: the SOA, the NSEC covering e and the one covering
  // the wildcard *.example.com, each with its RRSIGs.
  ASSERT_EQ(r.authority.size(), 3u);
  EXPECT_EQ(r.authority[0].type, RrType::SOA);
  EXPECT_EQ(r.authority[0].owner, N("example.com."));
  for (const dns::RRset& set : r.authority) {
    EXPECT_FALSE(set.sigs.empty()) << set.owner.ToText();
    EXPECT_EQ(set.security, Security::kSecure);
    EXPECT_GT(set.ttl, 0u);
    EXPECT_LE(set.ttl, 300u);
  }
  EXPECT_EQ(r.authority[1].type, RrType::NSEC);
  EXPECT_EQ(r.authority[1].owner, N("c.example.com."));
  EXPECT_EQ(r.authority[2].owner, N("example.com."));
  EXPECT_EQ(stats_.synthesised.load(), 1u);
  EXPECT_EQ(rig_.stats.synthesised, 1u);
  Resolution before_c;  // Covered by example.com..c, which also covers the wildcard.
  EXPECT_TRUE(AnsweredLocally("b.example.com.", RrType::AAAA, before_c));
  EXPECT_EQ(before_c.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(before_c.security, Security::kSecure);
}

TEST_F(AggressiveNsecTest, NameOutsideTheCachedRangesIsResolved) {
  Build();
  ASSERT_EQ(Resolve("d.example.com.", RrType::A).rcode, Rcode::NXDOMAIN);
  Resolution r;
  EXPECT_FALSE(AnsweredLocally("p.example.com.", RrType::A, r));  // ns1..*.w is not cached.
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(r.security, Security::kSecure);
  EXPECT_FALSE(r.ede.has_value());
  EXPECT_EQ(stats_.synthesised.load(), 0u);
}

// RFC 8198 section 5.4, RFC 9077: the answer lives no longer than the records it came from.
TEST_F(AggressiveNsecTest, TtlsCountDownAndAnExpiredRangeIsNotUsed) {
  Build();
  ASSERT_EQ(Resolve("d.example.com.", RrType::A).rcode, Rcode::NXDOMAIN);
  rig_.clock.Advance(100s);
  Resolution r;
  ASSERT_TRUE(AnsweredLocally("e.example.com.", RrType::A, r));
  for (const dns::RRset& set : r.authority) EXPECT_EQ(set.ttl, 200u) << set.owner.ToText();
  rig_.clock.Advance(201s);  // Past the NSEC TTL (300, the SOA minimum).
  Resolution late;
  EXPECT_FALSE(AnsweredLocally("f.example.com.", RrType::A, late));
  EXPECT_EQ(late.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(stats_.synthesised.load(), 1u);
}

TEST_F(AggressiveNsecTest, SwitchedOffTheUpstreamIsAsked) {
  options_.aggressive_nsec = false;
  Build();
  ASSERT_EQ(Resolve("d.example.com.", RrType::A).rcode, Rcode::NXDOMAIN);
  Resolution r;
  EXPECT_FALSE(AnsweredLocally("e.example.com.", RrType::A, r));
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(stats_.synthesised.load(), 0u);
}

TEST_F(AggressiveNsecTest, WithoutValidationNothingIsSynthesised) {
  options_.enabled = false;
  Build();
  ASSERT_EQ(Resolve("d.example.com.", RrType::A).rcode, Rcode::NXDOMAIN);
  Resolution r;
  EXPECT_FALSE(AnsweredLocally("e.example.com.", RrType::A, r));
  EXPECT_EQ(r.security, Security::kIndeterminate);
}

// RFC 8198 section 4: only records proven secure are reused; a signed zone without a chain of
// trust to it is insecure, and so are its NSEC records.
TEST_F(AggressiveNsecTest, InsecureNsecRangeIsNotUsed) {
  Build();
  Resolution first = Resolve("d.island.com.", RrType::A);
  ASSERT_EQ(first.rcode, Rcode::NXDOMAIN);
  ASSERT_EQ(first.security, Security::kInsecure) << first.ede_text;
  Resolution r;
  EXPECT_FALSE(AnsweredLocally("e.island.com.", RrType::A, r));
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(r.security, Security::kInsecure);
  EXPECT_EQ(stats_.synthesised.load(), 0u);
}

// A CD=1 client asked for what the servers say: it is resolved (the validator's own choice).
TEST_F(AggressiveNsecTest, CheckingDisabledClientsAreResolved) {
  Build();
  ASSERT_EQ(Resolve("d.example.com.", RrType::A).rcode, Rcode::NXDOMAIN);
  Resolution r;
  EXPECT_FALSE(AnsweredLocally("e.example.com.", RrType::A, r, {true, true, 1232}));
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(stats_.synthesised.load(), 0u);
}

// RFC 4035 section 5.4: the cached NSEC at c shows A but not TXT.
TEST_F(AggressiveNsecTest, NoDataForATypeTheMatchingNsecLacks) {
  Build();
  ASSERT_EQ(Resolve("d.example.com.", RrType::A).rcode, Rcode::NXDOMAIN);
  Resolution r;
  EXPECT_TRUE(AnsweredLocally("c.example.com.", RrType::TXT, r));
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_TRUE(r.answer.empty());
  EXPECT_EQ(r.security, Security::kSecure);
  ASSERT_EQ(r.authority.size(), 2u);
  EXPECT_EQ(r.authority[1].owner, N("c.example.com."));
  Resolution data;
  EXPECT_FALSE(AnsweredLocally("c.example.com.", RrType::A, data));  // The bitmap has A.
  ASSERT_EQ(data.answer.size(), 1u);
  Resolution ds;  // RFC 4035 section 5.2: the parent side (example.com.) denies c's DS.
  EXPECT_TRUE(AnsweredLocally("c.example.com.", RrType::DS, ds));
  EXPECT_EQ(ds.rcode, Rcode::NOERROR);
  EXPECT_EQ(ds.security, Security::kSecure);
}

// RFC 4592: under w every name matches *.w, so nothing there is NXDOMAIN; a type the wildcard
// lacks is wildcard NODATA (RFC 4035 section 5.4), a type it has is resolved.
TEST_F(AggressiveNsecTest, ExistingWildcardRulesOutNxDomain) {
  Build();
  Resolution first = Resolve("b.w.example.com.", RrType::MX);  // Caches ns1..*.w, *.w, a.w..x.
  ASSERT_EQ(first.rcode, Rcode::NOERROR);
  ASSERT_EQ(first.security, Security::kSecure) << first.ede_text;
  Resolution txt;
  EXPECT_FALSE(AnsweredLocally("c.w.example.com.", RrType::TXT, txt));
  EXPECT_EQ(txt.rcode, Rcode::NOERROR);
  ASSERT_EQ(txt.answer.size(), 1u);
  EXPECT_EQ(txt.security, Security::kSecure) << txt.ede_text;
  Resolution nodata;
  EXPECT_TRUE(AnsweredLocally("d.w.example.com.", RrType::MX, nodata));
  EXPECT_EQ(nodata.rcode, Rcode::NOERROR);
  EXPECT_TRUE(nodata.answer.empty());
  EXPECT_EQ(stats_.synthesised.load(), 1u);
}

TEST_F(AggressiveNsecTest, Nsec3RangesAnswerNxDomainAndNoData) {
  Build();
  Resolution first = Resolve("zz.n3.com.", RrType::A);
  ASSERT_EQ(first.rcode, Rcode::NXDOMAIN);
  ASSERT_EQ(first.security, Security::kSecure) << first.ede_text;
  std::optional<std::string> covered, uncovered;
  for (int i = 0; i < 200 && (!covered || !uncovered); ++i) {
    std::string name = "q" + std::to_string(i) + ".n3.com.";
    (Nsec3Covers(first.authority, N(name)) ? covered : uncovered) = name;
  }
  ASSERT_TRUE(covered && uncovered);
  Resolution r;
  EXPECT_TRUE(AnsweredLocally(*covered, RrType::A, r)) << *covered;
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(r.security, Security::kSecure);
  for (size_t i = 1; i < r.authority.size(); ++i) EXPECT_EQ(r.authority[i].type, RrType::NSEC3);
  Resolution other;
  EXPECT_FALSE(AnsweredLocally(*uncovered, RrType::A, other)) << *uncovered;
  EXPECT_EQ(other.rcode, Rcode::NXDOMAIN);
  // NODATA: the NSEC3 matching www lacks TXT. An MX question caches it (unless one of the
  // answers above already brought it as a cover: then the MX question is answered locally too).
  Resolution mx = Resolve("www.n3.com.", RrType::MX);
  ASSERT_EQ(mx.rcode, Rcode::NOERROR);
  ASSERT_EQ(mx.security, Security::kSecure);
  Resolution nodata;
  EXPECT_TRUE(AnsweredLocally("www.n3.com.", RrType::TXT, nodata));
  EXPECT_EQ(nodata.rcode, Rcode::NOERROR);
  EXPECT_TRUE(nodata.answer.empty());
  EXPECT_EQ(nodata.security, Security::kSecure);
  ASSERT_EQ(nodata.authority.size(), 2u);  // The SOA and the matching NSEC3 alone.
  EXPECT_EQ(nodata.authority[1].type, RrType::NSEC3);
  EXPECT_GE(stats_.synthesised.load(), 2u);
  Resolution data;  // The bitmap has A: resolved.
  EXPECT_FALSE(AnsweredLocally("www.n3.com.", RrType::A, data));
  EXPECT_EQ(data.answer.size(), 1u);
}

// An opt-out span proves only an insecure NXDOMAIN (RFC 5155 section 9.2): never synthesised.
TEST_F(AggressiveNsecTest, OptOutNsec3RangeIsNotUsed) {
  Build();
  Resolution first = Resolve("zz.oo.com.", RrType::A);
  ASSERT_EQ(first.rcode, Rcode::NXDOMAIN);
  ASSERT_EQ(first.security, Security::kInsecure) << first.ede_text;
  std::optional<std::string> covered;
  for (int i = 0; i < 200 && !covered; ++i) {
    std::string name = "q" + std::to_string(i) + ".oo.com.";
    if (Nsec3Covers(first.authority, N(name))) covered = name;
  }
  ASSERT_TRUE(covered);
  Resolution r;
  EXPECT_FALSE(AnsweredLocally(*covered, RrType::A, r)) << *covered;
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(r.security, Security::kInsecure);
  EXPECT_EQ(stats_.synthesised.load(), 0u);
}

}  // namespace
}  // namespace redoubt::resolver
