// MirrorService (mirror_service.h) at start and over time, with copies planted in its zone
// store and primaries that cannot be reached (a closed loopback port): what is served from the
// stored copy, when it is withdrawn (SOA EXPIRE, RFC 1035 section 4.3.5), and that a failed
// refresh keeps the copy.
#include "resolver/mirror/mirror_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "net/dns/zone_parser.h"

namespace redoubt::resolver {
namespace {

dns::Name N(std::string_view text) { return *dns::Name::FromText(text); }

// corp.example. with EXPIRE `expire` seconds (REFRESH and RETRY an hour).
std::vector<dns::Record> Zone(uint32_t expire, bool with_ns = true) {
  dns::ZoneParseOptions options;
  options.origin = N("corp.example.");
  options.default_ttl = 300;
  std::string text = "@ SOA ns hostmaster 5 3600 3600 " + std::to_string(expire) + " 60\n" +
                     (with_ns ? "@ NS ns\n" : "") + "ns A 192.0.2.1\nwww A 192.0.2.2\n";
  auto parsed = dns::ParseZoneText(text, "test", options);
  EXPECT_TRUE(parsed);
  return parsed ? *parsed : std::vector<dns::Record>{};
}

class MirrorServiceTest : public ::testing::Test {
 protected:
  MirrorServiceTest()
      : directory_(std::filesystem::temp_directory_path() /
                   ("redoubt-mirror-service-" + std::to_string(std::random_device{}()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(directory_);
  }
  ~MirrorServiceTest() override { std::filesystem::remove_all(directory_); }

  // Plants a copy transferred `age` seconds ago.
  void Plant(std::vector<dns::Record> records, int64_t age) {
    auto store = cache::ZoneStore::Open(cache::ZoneStoreOptions{directory_.string(), size_t{64} << 20});
    ASSERT_TRUE(store) << store.error();
    cache::StoredZone zone{N("corp.example."), 5, static_cast<uint64_t>(clock_.WallSeconds() - age),
                           std::move(records)};
    auto saved = (*store)->Save(zone);
    ASSERT_TRUE(saved) << saved.error();
  }

  MirrorServiceOptions Options() {
    MirrorServiceOptions options;
    // Port 1 on loopback: nothing listens, so every refresh fails at once (connection refused).
    options.zones.push_back(MirrorZoneConfig{N("corp.example."), {Endpoint{IpAddress::V4({127, 0, 0, 1}), 1}}});
    options.directory = directory_.string();
    options.log = [this](const std::string& line) {
      std::lock_guard lock(mutex_);
      log_.push_back(line);
    };
    return options;
  }

  bool Logged(const std::string& part) {
    std::lock_guard lock(mutex_);
    for (const std::string& line : log_) {
      if (line.find(part) != std::string::npos) return true;
    }
    return false;
  }

  // Polls `done` every 50 ms for up to `ms`.
  template <class F>
  bool Within(int ms, F done) {
    for (int waited = 0; waited < ms; waited += 50) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  std::filesystem::path directory_;
  RealClock clock_;
  MirrorSet set_{{N("corp.example.")}};
  std::mutex mutex_;
  std::vector<std::string> log_;
};

TEST_F(MirrorServiceTest, StoredCopyWithinExpireAnswersFromTheFirstQueryWithPrimariesDown) {
  Plant(Zone(3600), 10);
  MirrorService service(set_, Options(), clock_);
  ASSERT_TRUE(service.Start());
  EXPECT_NE(set_.Find(N("www.corp.example.")), nullptr);
  EXPECT_TRUE(Logged("serving the stored copy, serial 5"));
  // The refresh at start fails (nothing listens): the copy is kept and still served.
  EXPECT_TRUE(Within(3000, [&] { return Logged("failed") && Logged("the copy is kept"); }));
  EXPECT_NE(set_.Find(N("www.corp.example.")), nullptr);
  EXPECT_GE(service.stats().failures, 1u);
  service.Stop();
}

TEST_F(MirrorServiceTest, StoredCopyPastExpireIsNotServed) {
  Plant(Zone(600), 601);
  MirrorService service(set_, Options(), clock_);
  ASSERT_TRUE(service.Start());
  EXPECT_EQ(set_.Find(N("www.corp.example.")), nullptr);
  EXPECT_TRUE(Logged("the copy expired"));
  EXPECT_EQ(service.stats().expired, 1u);
  service.Stop();
}

TEST_F(MirrorServiceTest, CopyIsWithdrawnWhenExpireRunsOutWithoutARefresh) {
  Plant(Zone(600), 598);  // Two seconds left.
  MirrorService service(set_, Options(), clock_);
  ASSERT_TRUE(service.Start());
  EXPECT_NE(set_.Find(N("www.corp.example.")), nullptr);
  EXPECT_TRUE(Within(5000, [&] { return set_.Find(N("www.corp.example.")) == nullptr; }));
  EXPECT_TRUE(Logged("resolving the zone from the network"));
  service.Stop();
}

TEST_F(MirrorServiceTest, StoredCopyThatIsNotAValidZoneIsNotServed) {
  Plant(Zone(3600, false), 10);  // No NS at the apex.
  MirrorService service(set_, Options(), clock_);
  ASSERT_TRUE(service.Start());
  EXPECT_EQ(set_.Find(N("www.corp.example.")), nullptr);
  EXPECT_TRUE(Logged("the stored copy is not a valid zone"));
  service.Stop();
}

TEST_F(MirrorServiceTest, StopEndsAServiceWhoseRefreshesKeepFailing) {
  MirrorService service(set_, Options(), clock_);
  ASSERT_TRUE(service.Start());
  EXPECT_TRUE(Within(3000, [&] { return service.stats().failures >= 1; }));
  auto began = std::chrono::steady_clock::now();
  service.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(2));
  EXPECT_EQ(set_.Find(N("www.corp.example.")), nullptr);
}

}  // namespace
}  // namespace redoubt::resolver
