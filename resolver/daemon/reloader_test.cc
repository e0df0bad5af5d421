// The Reloader (reloader.h) on real parts: a configuration file in a temporary directory, an
// LMDB cache, a started worker. Each outcome of a reload: applied (the changed forward zone's
// entries go, the others stay, the new settings are published), failed (file:line, nothing
// changes), refused (listen), and no file at all; each counted in ReloadStats. And the swap of
// RFC 5011 managed anchors, which reads no file.
#include "resolver/daemon/reloader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "cache/cache_key.h"
#include "resolver/validator/rollover_testing.h"

namespace redoubt::resolver {
namespace {

dns::Name N(const char* text) { return *dns::Name::FromText(text); }

cache::CacheEntry AEntry(const char* owner) {
  cache::CacheEntry entry;
  entry.kind = cache::EntryKind::kPositive;
  entry.trust = dns::Trust::kAnswerAuth;
  entry.stored = static_cast<uint64_t>(std::time(nullptr));
  entry.ttl = 3600;
  dns::RRset set;
  set.owner = N(owner);
  set.type = dns::RrType::A;
  set.rdatas.push_back({192, 0, 2, 1});
  entry.rrsets.push_back(set);
  return entry;
}

class ReloaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("redoubt-reloader-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "redoubt.yaml").string();
    WriteConfig("192.0.2.1");
    cache::CacheOptions options;
    options.directory = (dir_ / "cache").string();
    options.max_size = 16 << 20;
    cache_ = std::move(*cache::LmdbCache::Open(options, nullptr));
    cache::WriteBatch batch;
    batch.puts.emplace_back(cache::RRsetKey(N("www.corp.example."), dns::RrType::A), AEntry("www.corp.example."));
    batch.puts.emplace_back(cache::RRsetKey(N("www.other.example."), dns::RrType::A), AEntry("www.other.example."));
    cache_->Write(batch, static_cast<uint64_t>(std::time(nullptr)));
    auto loaded = LoadLiveSettings(path_);
    ASSERT_TRUE(loaded) << loaded.error();
    live_ = std::make_unique<LiveState>(*loaded);
  }
  void TearDown() override {
    for (auto& worker : workers_) worker->Stop();
    workers_.clear();
    cache_.reset();
    std::filesystem::remove_all(dir_);
  }

  void WriteConfig(const std::string& corp_server, const std::string& extra = "") {
    std::ofstream out(path_, std::ios::trunc);
    out << "listen: [\"127.0.0.1:" << kPort << "\"]\n"
        << "workers: 1\n"
        << "validation: false\n"
        << "cache: {directory: " << (dir_ / "cache").string() << "}\n"
        << "control: {socket: " << (dir_ / "control.sock").string() << "}\n"
        << "forward-zones:\n"
        << "  - {name: corp.example, servers: [\"" << corp_server << "\"]}\n"
        << extra;
  }

  void StartWorker() {
    LiveSettings live = live_->Snapshot();
    auto worker = std::make_unique<Worker>(live.config, *live.root_hints, &checksum_capable_, cache_.get(), live.anchors);
    ASSERT_TRUE(worker->Start());
    workers_.push_back(std::move(worker));
  }

  Reloader MakeReloader() {
    return Reloader({live_.get(), &workers_, cache_.get(), nullptr, [this](const std::string& line) { log_.push_back(line); },
                     &stats_, {}});
  }

  static constexpr int kPort = 53530;
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<cache::LmdbCache> cache_;
  std::unique_ptr<LiveState> live_;
  SharedServerFlags checksum_capable_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::string> log_;
  ReloadStats stats_;
};

TEST_F(ReloaderTest, ChangedForwardZoneIsAppliedAndOnlyItsEntriesGo) {
  StartWorker();
  WriteConfig("192.0.2.2");
  Reloader reloader = MakeReloader();
  ControlReply reply = reloader.Reload();
  ASSERT_TRUE(reply.ok) << reply.message;
  EXPECT_EQ(reply.message, "reloaded " + path_ +
                               ": forward-zones changed; cache kept (1 entries dropped: at or below the changed "
                               "forward zones and trust anchors)");
  EXPECT_EQ(cache_->EntryCount(), 1u);  // www.other.example stays.
  LiveSettings live = live_->Snapshot();
  ASSERT_EQ(live.config->forward_zones.size(), 1u);
  EXPECT_EQ(live.config->forward_zones[0].servers[0].ToString(), "192.0.2.2:53");
  EXPECT_EQ(stats_.ok.load(), 1u);
  // The cache records the new fingerprint: the next start keeps what is left.
  EXPECT_EQ(cache_->AdoptTrustFingerprint(TrustFingerprint(*live.config, *live.anchors)), 0u);
}

// RFC 5011 (anchor_refresher.h): new managed anchors are swapped in without reading the file,
// and only the managed zone's cached answers go; a later reload keeps them.
TEST_F(ReloaderTest, ManagedAnchorsAreSwappedInAndKeptByAReload) {
  StartWorker();
  testing::LabKey key;
  ManagedAnchors managed{{N("corp.example.")}, {{N("corp.example."), dns::RrType::DNSKEY, dns::RrClass::IN, 0, key.Rdata()}}};
  Reloader reloader({live_.get(), &workers_, cache_.get(), nullptr, nullptr, &stats_, [&] { return managed; }});
  ControlReply reply = reloader.ApplyManagedAnchors(managed);
  ASSERT_TRUE(reply.ok) << reply.message;
  EXPECT_EQ(reply.message, "managed trust anchors swapped in (changed: corp.example.); 1 cache entries dropped below them");
  EXPECT_EQ(cache_->EntryCount(), 1u);  // www.other.example stays.
  const TrustAnchor* anchor = live_->Snapshot().anchors->At(N("corp.example."));
  ASSERT_NE(anchor, nullptr);
  EXPECT_EQ(anchor->dnskey_rdatas, (std::vector<std::vector<uint8_t>>{key.Rdata()}));
  EXPECT_EQ(stats_.ok.load(), 0u) << "not a reload";

  WriteConfig("192.0.2.2");
  ASSERT_TRUE(reloader.Reload().ok);
  ASSERT_NE(live_->Snapshot().anchors->At(N("corp.example.")), nullptr) << "a reload lost the managed anchors";
}

TEST_F(ReloaderTest, BadFileNamesTheLineAndChangesNothing) {
  LiveSettings before = live_->Snapshot();
  WriteConfig("192.0.2.2", "forward-zonez: []\n");
  ControlReply reply = MakeReloader().Reload();
  ASSERT_FALSE(reply.ok);
  EXPECT_NE(reply.message.find(path_ + ":8: "), std::string::npos) << reply.message;
  EXPECT_TRUE(reply.message.ends_with("; the running configuration is kept")) << reply.message;
  EXPECT_EQ(live_->Snapshot().config, before.config);
  EXPECT_EQ(cache_->EntryCount(), 2u);
  EXPECT_EQ(stats_.failed.load(), 1u);
}

TEST_F(ReloaderTest, ChangedListenIsRefusedAndNamed) {
  LiveSettings before = live_->Snapshot();
  WriteConfig("192.0.2.2");
  std::string text;
  {
    std::ifstream in(path_);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find(std::to_string(kPort)), 5, "53531");
  std::ofstream(path_, std::ios::trunc) << text;
  ControlReply reply = MakeReloader().Reload();
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.message, "reload of " + path_ + " refused: listen changed and needs a restart; the running "
                           "configuration is kept");
  EXPECT_EQ(live_->Snapshot().config, before.config);
  EXPECT_EQ(cache_->EntryCount(), 2u);
  EXPECT_EQ(stats_.refused.load(), 1u);
}

TEST_F(ReloaderTest, BuiltInDefaultsHaveNoFileToReload) {
  LiveSettings settings = live_->Snapshot();
  settings.config_path.clear();
  live_->Replace(settings);
  ControlReply reply = MakeReloader().Reload();
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.message.rfind("no configuration file to reload", 0), 0u) << reply.message;
  EXPECT_EQ(stats_.failed.load(), 1u);
}

}  // namespace
}  // namespace redoubt::resolver
