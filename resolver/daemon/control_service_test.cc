// The control channel's actions (control_service.h) on real parts: an LMDB cache in a temporary
// directory, a started worker (its own loop and listeners on loopback), the trust anchor store
// and the metric table. Each test goes through Answer() or Execute() as redoubt-control does.
#include "resolver/daemon/control_service.h"
#include "resolver/daemon/negative_anchor_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cache/cache_key.h"
#include "net/dns/rdata.h"
#include "resolver/daemon/root_hints.h"

namespace redoubt::resolver {
namespace {

constexpr int64_t kNow = 1'800'000'000;

dns::Name N(const char* text) { return *dns::Name::FromText(text); }

cache::CacheEntry Entry(const char* owner, cache::EntryKind kind, uint32_t ttl) {
  cache::CacheEntry entry;
  entry.kind = kind;
  entry.trust = dns::Trust::kAnswerAuth;
  entry.stored = kNow - 10;
  entry.ttl = ttl;
  dns::RRset set;
  set.owner = N(owner);
  set.type = kind == cache::EntryKind::kPositive ? dns::RrType::A : dns::RrType::SOA;
  if (kind == cache::EntryKind::kPositive) {
    set.rdatas.push_back({192, 0, 2, 1});
  } else {
    set.owner = N("example.");
    set.rdatas.push_back(*dns::RdataToBytes(dns::rdata::SOA{N("ns.example."), N("h.example."), 1, 2, 3, 4, 300}));
  }
  entry.rrsets.push_back(set);
  return entry;
}

class ControlServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("redoubt-control-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    cache::CacheOptions options;
    options.directory = dir_.string();
    options.max_size = 16 << 20;
    cache_ = std::move(*cache::LmdbCache::Open(options, nullptr));
    cache::WriteBatch batch;
    // Stored as an upstream echoed a 0x20-randomised question; dump-cache shows it lowercase.
    batch.puts.emplace_back(cache::RRsetKey(N("www.example."), dns::RrType::A), Entry("wWw.ExamPle.", cache::EntryKind::kPositive, 300));
    batch.puts.emplace_back(cache::RRsetKey(N("a.b.example."), dns::RrType::A), Entry("a.b.example.", cache::EntryKind::kPositive, 300));
    batch.puts.emplace_back(cache::NxDomainKey(N("gone.example.")), Entry("gone.example.", cache::EntryKind::kNxDomain, 60));
    batch.puts.emplace_back(cache::RRsetKey(N("old.other."), dns::RrType::A), Entry("old.other.", cache::EntryKind::kPositive, 5));
    batch.puts.emplace_back(cache::RRsetKey(N("www.other."), dns::RrType::A), Entry("www.other.", cache::EntryKind::kPositive, 300));
    cache_->Write(batch, static_cast<uint64_t>(kNow));
    config_.cache_directory = dir_.string();
    config_.listen = {*Endpoint::Parse("127.0.0.1:0", 0)};
    ForwardZone zone;
    zone.name = N("corp.example.");
    zone.servers = {*Endpoint::Parse("192.0.2.53", 53)};
    zone.tsig_key = N("corp-key.");
    config_.forward_zones.push_back(zone);
    config_.negative_trust_anchors = {N("broken.example.")};
  }
  void TearDown() override {
    for (auto& worker : workers_) worker->Stop();
    workers_.clear();
    cache_.reset();
    std::filesystem::remove_all(dir_);
  }

  ControlService Service(bool with_cache = true) {
    ControlTargets targets;
    live_ = std::make_unique<LiveState>(LiveSettings{"", Shared(config_), std::make_shared<Delegation>(hints_), Shared(anchors_), nullptr});
    targets.live = live_.get();
    targets.workers = &workers_;
    targets.cache = with_cache ? cache_.get() : nullptr;
    targets.start_time_seconds = kNow - 3600;
    targets.now_seconds = [] { return kNow; };
    targets.log = [this](const std::string& line) { log_.push_back(line); };
    targets.negative_anchors = &runtime_anchors_;
    targets.negative_anchor_state = (dir_ / "negative-anchors").string();
    for (const auto& w : workers_) targets.metrics.workers.push_back(CountersOf(w->stats()));
    if (with_cache) {
      targets.metrics.cache = &cache_->stats();
      targets.metrics.cache_size = CacheSizeReader(*cache_);
    }
    return ControlService(std::move(targets));
  }

  void StartWorker() {
    hints_ = *LoadRootHints("");
    auto worker = std::make_unique<Worker>(Shared(config_), hints_, &checksum_capable_, cache_.get(), Shared(anchors_));
    ASSERT_TRUE(worker->Start());
    workers_.push_back(std::move(worker));
  }

  std::filesystem::path dir_;
  Config config_ = Config::Defaults();
  std::unique_ptr<cache::LmdbCache> cache_;
  TrustAnchorStore anchors_{std::vector<dns::Record>{}, {N("broken.example.")}};
  int64_t nta_now_ = kNow;
  RuntimeNegativeAnchors runtime_anchors_{[this] { return nta_now_; }};
  Delegation hints_;
  SharedServerFlags checksum_capable_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::string> log_;
  std::unique_ptr<LiveState> live_;

  // The fixture's own objects, lent to what wants shared ones (they outlive every user).
  template <typename T>
  static std::shared_ptr<const T> Shared(const T& object) {
    return std::shared_ptr<const T>(&object, [](const T*) {});
  }
};

TEST_F(ControlServiceTest, FlushNameLeavesTheRestAndIsLoggedWithTheCaller) {
  ControlService service = Service();
  std::string reply = service.Answer("text flush www.example.", io::CommandPeer{1, 0});
  EXPECT_EQ(reply.rfind("OK\nflushed 1 cache entries (www.example.)", 0), 0u) << reply;
  EXPECT_EQ(cache_->EntryCount(), 4u);
  ASSERT_FALSE(log_.empty());
  EXPECT_EQ(log_.back(), "control: flush www.example. from uid 0: flushed 1 cache entries (www.example.)");
}

TEST_F(ControlServiceTest, FlushZoneTakesTheSubtreeAndTheWorkersDelegations) {
  StartWorker();
  ControlService service = Service();
  ControlReply reply = service.Execute(*ParseControlRequest("json flush-zone example"));
  ASSERT_TRUE(reply.ok) << reply.message;
  EXPECT_EQ(cache_->EntryCount(), 2u);  // www.example, a.b.example and the NXDOMAIN went.
  EXPECT_EQ(reply.message.find("workers did not answer"), std::string::npos) << reply.message;
  EXPECT_EQ(std::get<uint64_t>(reply.items[0][0].value), 3u);
}

TEST_F(ControlServiceTest, FlushNegativeKeepsData) {
  ControlReply reply = Service().Execute(*ParseControlRequest("text flush-negative"));
  ASSERT_TRUE(reply.ok);
  EXPECT_EQ(std::get<uint64_t>(reply.items[0][0].value), 1u);
  EXPECT_EQ(cache_->EntryCount(), 4u);
}

TEST_F(ControlServiceTest, FlushBogusReachesEveryWorker) {
  StartWorker();
  StartWorker();
  ControlReply reply = Service().Execute(*ParseControlRequest("text flush-bogus"));
  ASSERT_TRUE(reply.ok) << reply.message;
  EXPECT_EQ(reply.message, "forgot 0 bogus answers and chain-of-trust verdicts");
  workers_[1]->Stop();  // A stopped worker cannot answer: said, not hung on.
  reply = Service().Execute(*ParseControlRequest("text flush-bogus"));
  EXPECT_NE(reply.message.find("1 workers did not answer"), std::string::npos) << reply.message;
}

// nta-add (RFC 7646): the zone stops being validated at once, what was cached below it under
// the old rule goes, the set is saved, and the anchor ends with its lifetime (section 2).
TEST_F(ControlServiceTest, NtaAddCoversTheZoneFlushesItAndEndsWithItsLifetime) {
  StartWorker();
  anchors_.AttachRuntimeNegativeAnchors(&runtime_anchors_);
  ControlService service = Service();
  ControlReply reply = service.Execute(*ParseControlRequest("text nta-add Example 10m"));
  ASSERT_TRUE(reply.ok) << reply.message;
  EXPECT_TRUE(anchors_.UnderNegativeAnchor(N("www.example.")));
  EXPECT_FALSE(anchors_.UnderNegativeAnchor(N("www.other.")));
  EXPECT_EQ(cache_->EntryCount(), 2u) << "the entries below example. were not flushed";
  ASSERT_TRUE(std::filesystem::exists(dir_ / "negative-anchors"));
  reply = service.Execute(*ParseControlRequest("text nta-list"));
  ASSERT_EQ(reply.items.size(), 1u);
  EXPECT_EQ(std::get<std::string>(reply.items[0][0].value), "example.");
  EXPECT_EQ(std::get<uint64_t>(reply.items[0][2].value), 600u);
  EXPECT_EQ(service.ExpireNegativeAnchors(), 0u);
  nta_now_ += 600;
  EXPECT_EQ(service.ExpireNegativeAnchors(), 1u);
  EXPECT_FALSE(anchors_.UnderNegativeAnchor(N("www.example.")));
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_.back().find("negative trust anchor example. expired"), std::string::npos) << log_.back();
  RuntimeNegativeAnchors restarted([this] { return nta_now_; });
  ASSERT_TRUE(LoadNegativeAnchorFile((dir_ / "negative-anchors").string(), restarted));
  EXPECT_TRUE(restarted.List().empty()) << "the expiry was not saved";
}

// The state file: missing is empty, a damaged one is named and leaves no half set, a saved
// one comes back and leaves no temporary file.
TEST_F(ControlServiceTest, NegativeAnchorFileRoundTrips) {
  std::string path = (dir_ / "negative-anchors").string();
  ASSERT_TRUE(LoadNegativeAnchorFile(path + ".none", runtime_anchors_));
  EXPECT_TRUE(runtime_anchors_.List().empty());
  runtime_anchors_.Add(N("a.example."), 600);
  ASSERT_TRUE(SaveNegativeAnchorFile(path, runtime_anchors_));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  RuntimeNegativeAnchors restarted([this] { return nta_now_; });
  ASSERT_TRUE(LoadNegativeAnchorFile(path, restarted));
  ASSERT_EQ(restarted.List().size(), 1u);
  EXPECT_EQ(restarted.List()[0].expires, kNow + 600);
  std::ofstream(path) << "a.example. soon\n";
  auto damaged = LoadNegativeAnchorFile(path, restarted);
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().find(path + ":1: expected 'ZONE EXPIRES'"), std::string::npos) << damaged.error();
  EXPECT_TRUE(restarted.List().empty());
}

TEST_F(ControlServiceTest, NtaRemoveTakesOnlyWhatNtaAddPut) {
  ControlService service = Service();
  ControlReply reply = service.Execute(*ParseControlRequest("text nta-remove broken.example"));
  EXPECT_FALSE(reply.ok);
  EXPECT_NE(reply.message.find("configured ones are changed in the configuration"), std::string::npos);
  ASSERT_TRUE(service.Execute(*ParseControlRequest("text nta-add a.example")).ok);
  EXPECT_EQ(runtime_anchors_.List().at(0).expires, kNow + 3600) << "the default lifetime is an hour";
  reply = service.Execute(*ParseControlRequest("text nta-remove A.Example."));
  ASSERT_TRUE(reply.ok) << reply.message;
  EXPECT_TRUE(runtime_anchors_.List().empty());
}

TEST_F(ControlServiceTest, FlushAllEmptiesTheCache) {
  ControlReply reply = Service().Execute(*ParseControlRequest("text flush-all"));
  ASSERT_TRUE(reply.ok);
  EXPECT_EQ(cache_->EntryCount(), 0u);
}

TEST_F(ControlServiceTest, WithoutACacheFlushesAndDumpsAreRefused) {
  ControlService service = Service(/*with_cache=*/false);
  for (const char* line : {"text flush a.example", "text flush-all", "text dump-cache"}) {
    ControlReply reply = service.Execute(*ParseControlRequest(line));
    EXPECT_FALSE(reply.ok) << line;
    EXPECT_EQ(reply.message, "the answer cache is off (cache.enabled: false)");
  }
}

TEST_F(ControlServiceTest, DumpCacheIsZoneFileTextWithRemainingTtls) {
  std::string dump = Service().Answer("text dump-cache", {});
  EXPECT_EQ(dump.rfind("OK\n; 4 live cache entries\n", 0), 0u) << dump;
  EXPECT_NE(dump.find("www.example.\t290\tIN\tA\t192.0.2.1\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("; gone.example. NXDOMAIN (RFC 2308), proved by:\nexample.\t50\tIN\tSOA\tns.example. h.example. 1 2 3 4 300\n"),
            std::string::npos) << dump;
  EXPECT_EQ(dump.find("old.other."), std::string::npos) << "an expired entry was dumped";
}

TEST_F(ControlServiceTest, StatusStatsForwardZonesAndAnchors) {
  StartWorker();
  ControlService service = Service();
  std::string status = service.Answer("text status", {});
  EXPECT_NE(status.find("uptime_seconds:   3600\n"), std::string::npos) << status;
  EXPECT_NE(status.find("workers:          1\n"), std::string::npos) << status;
  EXPECT_NE(status.find("cache_entries:    5\n"), std::string::npos) << status;
  std::string stats = service.Answer("text stats", {});
  EXPECT_NE(stats.find("\nredoubt_responses_total{rcode=\"NOERROR\"} 0\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("\nredoubt_cache_entries 5\n"), std::string::npos) << stats;
  std::string zones = service.Answer("text forward-zones", {});
  EXPECT_NE(zones.find("corp.example.  192.0.2.53:53  tsig corp-key.\n"), std::string::npos) << zones;
  std::string anchors = service.Answer("json trust-anchors", {});
  EXPECT_NE(anchors.find("{\"zone\":\"broken.example.\",\"form\":\"NTA\""), std::string::npos) << anchors;
}

TEST_F(ControlServiceTest, RefusedRequestsSayWhy) {
  ControlService service = Service();
  EXPECT_EQ(service.Answer("text flsh x", {}).rfind("ERROR\nerror: unknown command 'flsh'", 0), 0u);
  std::string mirror = service.Answer("json mirror-refresh example.", {});
  EXPECT_EQ(mirror, "ERROR\n{\"ok\":false,\"error\":\"no mirror-zones are configured\"}\n");
}

// reload goes to the Reloader (targets.reload) and the control channel reads whatever the
// live settings hold afterwards.
TEST_F(ControlServiceTest, ReloadCallsTheReloaderAndListingsFollowTheLiveSettings) {
  ControlService refusing = Service();
  EXPECT_EQ(refusing.Answer("text reload", {}), "ERROR\nerror: reload is not available in this daemon\n");
  ControlTargets targets;
  int reloads = 0;
  (void)Service();  // Builds live_ for the service below.
  targets.live = live_.get();
  targets.workers = &workers_;
  targets.now_seconds = [] { return kNow; };
  targets.reload = [&] {
    ++reloads;
    Config next = config_;
    next.forward_zones[0].servers = {*Endpoint::Parse("192.0.2.54", 53)};
    LiveSettings settings = live_->Snapshot();
    settings.config = std::make_shared<const Config>(next);
    live_->Replace(settings);
    ControlReply reply;
    reply.message = "reloaded";
    return reply;
  };
  ControlService service(std::move(targets));
  EXPECT_EQ(service.Answer("text reload", {}), "OK\nreloaded\n");
  EXPECT_EQ(reloads, 1);
  std::string zones = service.Answer("text forward-zones", {});
  EXPECT_NE(zones.find("corp.example.  192.0.2.54:53  tsig corp-key.\n"), std::string::npos) << zones;
}

}  // namespace
}  // namespace redoubt::resolver
