#include "resolver/cache_store/lmdb_answer_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace redoubt::resolver {
namespace {

using namespace std::chrono_literals;

dns::Name N(const std::string& text) { return *dns::Name::FromText(text); }
dns::Question Q(const std::string& name, dns::RrType type = dns::RrType::A) {
  return {N(name), type, dns::RrClass::IN};
}

dns::RRset Set(const std::string& owner, dns::RrType type, uint32_t ttl, std::vector<uint8_t> rdata) {
  dns::RRset set;
  set.owner = N(owner);
  set.type = type;
  set.ttl = ttl;
  set.rdatas = {std::move(rdata)};
  return set;
}

std::vector<uint8_t> Wire(const std::string& name) {
  dns::Name n = N(name);
  return {n.wire().begin(), n.wire().end()};
}

dns::RRset Soa(uint32_t ttl, uint32_t minimum) {
  std::vector<uint8_t> rdata = Wire("ns.example.");
  std::vector<uint8_t> rname = Wire("host.example.");
  rdata.insert(rdata.end(), rname.begin(), rname.end());
  for (uint32_t v : {1u, 3600u, 600u, 86400u, minimum}) {
    for (int shift = 24; shift >= 0; shift -= 8) rdata.push_back(static_cast<uint8_t>(v >> shift));
  }
  return Set("example.", dns::RrType::SOA, ttl, rdata);
}

class LmdbAnswerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("redoubt-store-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    cache_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    cache_.reset();
    cache::CacheOptions options;
    options.directory = dir_.string();
    options.max_size = 8 << 20;
    cache_ = std::move(*cache::LmdbCache::Open(options, nullptr));
    store_ = std::make_unique<LmdbAnswerStore>(*cache_, clock_, bounds_, &stats_);
  }

  std::filesystem::path dir_;
  SimulatedClock clock_;
  cache::TtlBounds bounds_;
  AnswerStoreStats stats_;
  std::unique_ptr<cache::LmdbCache> cache_;
  std::unique_ptr<LmdbAnswerStore> store_;
};

TEST_F(LmdbAnswerStoreTest, AnswerComesBackWithItsTtlCountingDown) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("www.example.", dns::RrType::A, 300, {192, 0, 2, 1})};
  store_->Store(Q("www.example."), r);
  auto hit = store_->Lookup(Q("www.example."));
  ASSERT_TRUE(hit.has_value());
  ASSERT_EQ(hit->answer.size(), 1u);
  EXPECT_EQ(hit->answer[0].ttl, 300u);
  EXPECT_EQ(hit->answer[0].rdatas[0], (std::vector<uint8_t>{192, 0, 2, 1}));
  clock_.Advance(120s);
  EXPECT_EQ(store_->Lookup(Q("www.example."))->answer[0].ttl, 180u);
  clock_.Advance(180s);
  EXPECT_FALSE(store_->Lookup(Q("www.example.")).has_value());
  EXPECT_EQ(stats_.hits, 2u);
  EXPECT_EQ(stats_.misses, 1u);
}

TEST_F(LmdbAnswerStoreTest, SignatureOriginalTtlCapsAnInflatedTtl) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  dns::RRset set = Set("www.example.", dns::RrType::A, 86400, {192, 0, 2, 1});
  dns::rdata::RRSIG sig;
  sig.type_covered = dns::RrType::A;
  sig.original_ttl = 600;
  sig.expiration.value = static_cast<uint32_t>(clock_.WallSeconds() + 86400);
  sig.signer = N("example.");
  set.sigs.push_back(sig);
  r.answer = {set};
  store_->Store(Q("www.example."), r);
  EXPECT_EQ(store_->Lookup(Q("www.example."))->answer[0].ttl, 600u);
}

// RFC 2065 section 2.3.3 (issue #13): a legacy SIG bounds the cached TTL as an RRSIG does, by its
// original TTL and by its expiration, and is stored beside its RRset.
TEST_F(LmdbAnswerStoreTest, LegacySigIsKeptAndBoundsTheTtlByOriginalTtlAndExpiry) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  dns::RRset set = Set("www.legacy.", dns::RrType::A, 86400, {192, 0, 2, 50});
  dns::rdata::SIG sig;
  sig.type_covered = dns::RrType::A;
  sig.algorithm = dns::DnssecAlgorithm{1};
  sig.original_ttl = 600;
  sig.expiration.value = static_cast<uint32_t>(clock_.WallSeconds() + 100);
  sig.signer = N("legacy.");
  set.legacy_sigs.push_back(sig);
  r.answer = {set};
  store_->Store(Q("www.legacy."), r);
  auto found = store_->Lookup(Q("www.legacy."));
  ASSERT_TRUE(found.has_value());
  EXPECT_LE(found->answer[0].ttl, 100u);  // The expiry is sooner than the original TTL.
  ASSERT_EQ(found->answer[0].legacy_sigs.size(), 1u);
  EXPECT_EQ(found->answer[0].legacy_sigs[0].signer, N("legacy."));
  clock_.Advance(std::chrono::seconds(101));
  EXPECT_FALSE(store_->Lookup(Q("www.legacy.")).has_value());  // Never served past expiry.
}

TEST_F(LmdbAnswerStoreTest, CnameChainIsFollowedAndItsTargetReused) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("alias.example.", dns::RrType::CNAME, 300, Wire("www.example.")),
              Set("www.example.", dns::RrType::A, 300, {192, 0, 2, 1})};
  store_->Store(Q("alias.example."), r);
  auto chain = store_->Lookup(Q("alias.example."));
  ASSERT_TRUE(chain.has_value());
  ASSERT_EQ(chain->answer.size(), 2u);
  EXPECT_EQ(chain->answer[0].type, dns::RrType::CNAME);
  EXPECT_EQ(chain->answer[1].type, dns::RrType::A);
  EXPECT_TRUE(store_->Lookup(Q("www.example.")).has_value());
  EXPECT_FALSE(store_->Lookup(Q("www.example.", dns::RrType::AAAA)).has_value());
}

TEST_F(LmdbAnswerStoreTest, NegativeAnswersLiveForTheSoaMinimum) {
  Resolution nodata;
  nodata.rcode = dns::Rcode::NOERROR;
  nodata.authority = {Soa(3600, 120)};
  store_->Store(Q("www.example.", dns::RrType::MX), nodata);
  Resolution nx;
  nx.rcode = dns::Rcode::NXDOMAIN;
  nx.authority = {Soa(3600, 120)};
  store_->Store(Q("nx.example."), nx);
  auto hit = store_->Lookup(Q("www.example.", dns::RrType::MX));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->rcode, dns::Rcode::NOERROR);
  EXPECT_TRUE(hit->answer.empty());
  ASSERT_EQ(hit->authority.size(), 1u);
  EXPECT_EQ(hit->authority[0].ttl, 120u);
  auto nxhit = store_->Lookup(Q("nx.example.", dns::RrType::AAAA));  // NXDOMAIN is for every type.
  ASSERT_TRUE(nxhit.has_value());
  EXPECT_EQ(nxhit->rcode, dns::Rcode::NXDOMAIN);
  clock_.Advance(121s);
  EXPECT_FALSE(store_->Lookup(Q("nx.example.")).has_value());
}

TEST_F(LmdbAnswerStoreTest, NsecProofsAreIndexedForRangeLookups) {
  Resolution nx;
  nx.rcode = dns::Rcode::NXDOMAIN;
  dns::RRset nsec = Set("b.example.", dns::RrType::NSEC, 300, Wire("m.example."));
  nsec.rdatas[0].insert(nsec.rdatas[0].end(), {0, 1, 0x40});  // Bitmap: A.
  nx.authority = {Soa(3600, 120), nsec};
  store_->Store(Q("c.example."), nx);
  auto covering = store_->NsecAtOrBefore(N("example."), N("d.example."));
  ASSERT_TRUE(covering.has_value());
  EXPECT_EQ(covering->record.owner.ToText(), "b.example.");
  EXPECT_EQ(covering->record.ttl, 120u);  // The negative TTL.
  // The SOA comes with it (RFC 2308 section 3), with the same TTL.
  ASSERT_TRUE(covering->soa.has_value());
  EXPECT_EQ(covering->soa->type, dns::RrType::SOA);
  EXPECT_EQ(covering->soa->owner.ToText(), "example.");
  EXPECT_EQ(covering->soa->ttl, 120u);
  EXPECT_FALSE(store_->NsecAtOrBefore(N("example."), N("a.example.")).has_value());
  EXPECT_FALSE(store_->NsecAtOrBefore(N("example."), N("d.other.")).has_value());  // Not in the zone.
  clock_.Advance(121s);
  EXPECT_FALSE(store_->NsecAtOrBefore(N("example."), N("d.example.")).has_value());
}

// RFC 9077 section 3: an NSEC is not used for longer than its own TTL, even when the SOA
// would allow a longer negative TTL; its status is its own, not the answer's.
TEST_F(LmdbAnswerStoreTest, IndexedNsecLivesNoLongerThanItsOwnTtl) {
  Resolution nx;
  nx.rcode = dns::Rcode::NXDOMAIN;
  nx.security = dns::Security::kInsecure;
  dns::RRset nsec = Set("b.example.", dns::RrType::NSEC, 60, Wire("m.example."));
  nsec.rdatas[0].insert(nsec.rdatas[0].end(), {0, 1, 0x40});
  nsec.security = dns::Security::kSecure;
  nx.authority = {Soa(3600, 900), nsec};
  store_->Store(Q("c.example."), nx);
  auto found = store_->NsecAtOrBefore(N("example."), N("c.example."));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->record.ttl, 60u);
  EXPECT_EQ(found->record.security, dns::Security::kSecure);
  clock_.Advance(61s);
  EXPECT_FALSE(store_->NsecAtOrBefore(N("example."), N("c.example.")).has_value());
  EXPECT_TRUE(store_->Lookup(Q("c.example.")).has_value());  // The negative entry itself lives on.
}

TEST_F(LmdbAnswerStoreTest, Nsec3ProofsAreIndexedByHash) {
  Resolution nodata;
  nodata.rcode = dns::Rcode::NOERROR;
  // Owner hash 0x10... (base32hex "2"), next hash 0x30... : an NSEC3 RDATA's content is kept
  // as received; only its owner's hash matters for the index.
  dns::RRset nsec3 = Set("2000000000000000000000000000000.example.", dns::RrType::NSEC3, 300, {1, 0, 0, 1, 0, 0});
  nodata.authority = {Soa(3600, 120), nsec3};
  store_->Store(Q("www.example.", dns::RrType::MX), nodata);
  std::vector<uint8_t> after(19, 0x20), before(19, 0x01);
  auto found = store_->Nsec3AtOrBefore(N("example."), after);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->record.type, dns::RrType::NSEC3);
  EXPECT_TRUE(found->soa.has_value());
  EXPECT_FALSE(store_->Nsec3AtOrBefore(N("example."), before).has_value());
}

TEST_F(LmdbAnswerStoreTest, ServfailIsNotStored) {
  Resolution failed;
  failed.rcode = dns::Rcode::SERVFAIL;
  failed.authority = {Soa(3600, 120)};
  store_->Store(Q("www.example."), failed);
  EXPECT_FALSE(store_->Lookup(Q("www.example.")).has_value());
  EXPECT_EQ(stats_.stored, 0u);
}

TEST_F(LmdbAnswerStoreTest, ServeStaleOnlyInsideItsWindowAndWithEde3) {
  bounds_.stale_window = 600;
  Reopen();
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("www.example.", dns::RrType::A, 60, {192, 0, 2, 1})};
  store_->Store(Q("www.example."), r);
  EXPECT_FALSE(store_->LookupStale(Q("nothing.example.")).has_value());
  clock_.Advance(100s);
  EXPECT_FALSE(store_->Lookup(Q("www.example.")).has_value());
  auto stale = store_->LookupStale(Q("www.example."));
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->ede, dns::EdeCode::kStaleAnswer);
  EXPECT_EQ(stale->answer[0].ttl, 30u);
  clock_.Advance(600s);
  EXPECT_FALSE(store_->LookupStale(Q("www.example.")).has_value());
}

TEST_F(LmdbAnswerStoreTest, AnswerOwnerTakesTheQuestionsCase) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("WwW.example.", dns::RrType::A, 300, {192, 0, 2, 1})};
  store_->Store(Q("WwW.example."), r);
  auto hit = store_->Lookup(Q("www.EXAMPLE."));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->answer[0].owner.ToText(), "www.EXAMPLE.");
}

TEST_F(LmdbAnswerStoreTest, EntriesSurviveARestartAndKeepCountingDown) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("www.example.", dns::RrType::A, 300, {192, 0, 2, 1})};
  store_->Store(Q("www.example."), r);
  Reopen();
  clock_.Advance(100s);
  auto hit = store_->Lookup(Q("www.example."));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->answer[0].ttl, 200u);
}

// cache.max-ttl: 0 caps every TTL at zero: nothing is kept, every question is resolved.
TEST_F(LmdbAnswerStoreTest, MaxTtlZeroKeepsNothing) {
  bounds_.max_ttl = 0;
  Reopen();
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("www.example.", dns::RrType::A, 300, {192, 0, 2, 1})};
  store_->Store(Q("www.example."), r);
  EXPECT_FALSE(store_->Lookup(Q("www.example.")).has_value());
}

// A TTL of 0 from the server means "use once": not kept, and cache.min-ttl: 0 (the default)
// does not raise it.
TEST_F(LmdbAnswerStoreTest, ZeroTtlAnswerIsNotKept) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("www.example.", dns::RrType::A, 0, {192, 0, 2, 1})};
  store_->Store(Q("www.example."), r);
  EXPECT_FALSE(store_->Lookup(Q("www.example.")).has_value());
}

// cache.min-ttl raises it (RFC 8767 style operator choice, as Unbound's cache-min-ttl).
TEST_F(LmdbAnswerStoreTest, MinTtlRaisesAZeroTtl) {
  bounds_.min_ttl = 60;
  Reopen();
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("www.example.", dns::RrType::A, 0, {192, 0, 2, 1})};
  store_->Store(Q("www.example."), r);
  auto hit = store_->Lookup(Q("www.example."));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->answer.at(0).ttl, 60u);
}

// RFC 2308 section 5: a negative answer without an SOA has no TTL source and is not cached.
TEST_F(LmdbAnswerStoreTest, NegativeAnswerWithoutSoaIsNotCached) {
  Resolution nx;
  nx.rcode = dns::Rcode::NXDOMAIN;
  store_->Store(Q("gone.example."), nx);
  EXPECT_FALSE(store_->Lookup(Q("gone.example.")).has_value());
}

}  // namespace
}  // namespace redoubt::resolver

namespace redoubt::resolver {
namespace {

Resolution AnswerA(const std::string& name, uint8_t last) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set(name, dns::RrType::A, 300, {192, 0, 2, last})};
  return r;
}

// Deferred writes: a turn's results wait in the store (its own lookups see them, another
// worker's store does not) and reach LMDB together at WritePending.
TEST_F(LmdbAnswerStoreTest, DeferredResultsAreSeenAtOnceAndWrittenAtTheTurnsEnd) {
  LmdbAnswerStore other(*cache_, clock_, bounds_, &stats_);
  store_->DeferWrites(true);
  store_->Store(Q("a.example."), AnswerA("a.example.", 1));
  store_->Store(Q("b.example."), AnswerA("b.example.", 2));
  ASSERT_TRUE(store_->Lookup(Q("a.example.")).has_value());
  EXPECT_EQ(store_->Lookup(Q("b.example."))->answer[0].rdatas[0][3], 2);
  EXPECT_FALSE(other.Lookup(Q("a.example.")).has_value());
  uint64_t writes = cache_->stats().writes;
  store_->WritePending();
  EXPECT_EQ(cache_->stats().writes, writes + 2);
  ASSERT_TRUE(other.Lookup(Q("a.example.")).has_value());
  ASSERT_TRUE(other.Lookup(Q("b.example.")).has_value());
  store_->WritePending();  // Nothing left: nothing written twice.
  EXPECT_EQ(cache_->stats().writes, writes + 2);
}

// A flush between the resolution and the end of the turn wins: what was resolved before the
// flush is not written after it (a flushed poisoned name must not come back from the batch).
TEST_F(LmdbAnswerStoreTest, AWaitingBatchIsDroppedWhenTheCacheWasFlushedMeanwhile) {
  store_->DeferWrites(true);
  store_->Store(Q("a.example."), AnswerA("a.example.", 1));
  cache_->FlushAll();
  store_->WritePending();
  LmdbAnswerStore other(*cache_, clock_, bounds_, &stats_);
  EXPECT_FALSE(other.Lookup(Q("a.example.")).has_value());
  store_->Store(Q("c.example."), AnswerA("c.example.", 3));  // A new batch, after the flush.
  store_->WritePending();
  EXPECT_TRUE(other.Lookup(Q("c.example.")).has_value());
}

// Bounded: a turn that resolves more than kMaxPending entries writes them as it goes; turning
// deferral off writes what waits.
TEST_F(LmdbAnswerStoreTest, WaitingEntriesAreBoundedAndWrittenWhenDeferralEnds) {
  LmdbAnswerStore other(*cache_, clock_, bounds_, &stats_);
  store_->DeferWrites(true);
  for (size_t i = 0; i < LmdbAnswerStore::kMaxPending; ++i) {
    std::string name = "h" + std::to_string(i) + ".example.";
    store_->Store(Q(name), AnswerA(name, 1));
  }
  EXPECT_TRUE(other.Lookup(Q("h0.example.")).has_value());  // Written at the bound.
  store_->Store(Q("last.example."), AnswerA("last.example.", 9));
  EXPECT_FALSE(other.Lookup(Q("last.example.")).has_value());
  store_->DeferWrites(false);
  EXPECT_TRUE(other.Lookup(Q("last.example.")).has_value());
  store_->Store(Q("after.example."), AnswerA("after.example.", 9));
  EXPECT_TRUE(other.Lookup(Q("after.example.")).has_value());  // At once again.
}

}  // namespace
}  // namespace redoubt::resolver
