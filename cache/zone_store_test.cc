#include "cache/zone_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <random>

#include "net/dns/wire_writer.h"

namespace redoubt::cache {
namespace {

constexpr uint64_t kNow = 1'800'000'000;
dns::Name N(const std::string& text) { return *dns::Name::FromText(text); }

dns::Record Rec(const std::string& owner, dns::RrType type, std::vector<uint8_t> rdata,
                uint32_t ttl = 3600) {
  dns::Record record;
  record.owner = N(owner);
  record.type = type;
  record.ttl = ttl;
  record.rdata = std::move(rdata);
  return record;
}

dns::Record Soa(const dns::Name& apex, uint32_t serial) {
  dns::WireWriter w;
  (void)w.WriteName(*dns::Name::FromText("ns1", apex), false);
  (void)w.WriteName(*dns::Name::FromText("hostmaster", apex), false);
  for (uint32_t v : {serial, 7200u, 3600u, 1209600u, 300u}) (void)w.U32(v);
  return Rec(apex.ToText(), dns::RrType::SOA, std::move(w).Release());
}

// A zone of SOA, NS and `hosts` A records (plus one TXT of `txt_size` octets per host when set).
StoredZone MakeZone(const std::string& apex_text, uint32_t serial, size_t hosts,
                    size_t txt_size = 0) {
  StoredZone zone;
  zone.apex = N(apex_text);
  zone.serial = serial;
  zone.transferred_at = kNow;
  zone.records.push_back(Soa(zone.apex, serial));
  dns::WireWriter ns;
  (void)ns.WriteName(*dns::Name::FromText("ns1", zone.apex), false);
  zone.records.push_back(Rec(apex_text, dns::RrType::NS, std::move(ns).Release()));
  for (size_t i = 0; i < hosts; ++i) {
    std::string owner = dns::Name::FromText("Host" + std::to_string(i), zone.apex)->ToText();
    auto octet = [&](size_t shift) { return static_cast<uint8_t>(i >> shift); };
    zone.records.push_back(Rec(owner, dns::RrType::A, {10, octet(16), octet(8), octet(0)}, 300));
    if (txt_size > 0)
      zone.records.push_back(Rec(owner, dns::RrType::TXT, std::vector<uint8_t>(txt_size, 'x')));
  }
  return zone;
}

class ZoneStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("redoubt-zone-store-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<ZoneStore> Open(size_t map_size = size_t{64} << 20) {
    ZoneStoreOptions options;
    options.directory = dir_.string();
    options.map_size = map_size;
    auto store = ZoneStore::Open(options);
    EXPECT_TRUE(store.has_value()) << (store ? "" : store.error());
    return store ? std::move(*store) : nullptr;
  }

  static StoredZone MustLoad(ZoneStore& store, const dns::Name& apex) {
    auto loaded = store.Load(apex);
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error());
    if (!loaded || !loaded->has_value()) {
      ADD_FAILURE() << "no copy of " << apex.ToText();
      return {};
    }
    return **loaded;
  }

  std::filesystem::path dir_;
};

TEST_F(ZoneStoreTest, SaveThenLoadGivesTheSameZone) {
  auto store = Open();
  StoredZone zone = MakeZone("Example.COM.", 2024010101, 10);
  ASSERT_TRUE(store->Save(zone).has_value());
  StoredZone back = MustLoad(*store, N("example.com."));
  EXPECT_EQ(back, zone);
  EXPECT_TRUE(back.apex.IdenticalTo(zone.apex)) << "case is kept";
  EXPECT_TRUE(back.records[2].owner.IdenticalTo(zone.records[2].owner));
  EXPECT_EQ(back.transferred_at, kNow);
  auto absent = store->Load(N("example.net."));
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->has_value());
}

TEST_F(ZoneStoreTest, FiftyThousandRecordsRoundTrip) {
  auto store = Open();
  StoredZone zone = MakeZone("big.example.", 7, 49998);
  ASSERT_EQ(zone.records.size(), 50000u);
  auto start = std::chrono::steady_clock::now();
  auto saved = store->Save(zone);
  auto middle = std::chrono::steady_clock::now();
  StoredZone back = MustLoad(*store, zone.apex);
  auto end = std::chrono::steady_clock::now();
  ASSERT_TRUE(saved.has_value()) << saved.error();
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("[ZoneStore] 50,000 records (%zu-octet image): save %.1f ms, load %.1f ms\n",
              EncodeZoneImage(zone)->size(), ms(middle - start), ms(end - middle));
  ASSERT_EQ(back.records.size(), 50000u);
  EXPECT_EQ(back.records.front(), zone.records.front());
  EXPECT_EQ(back.records.back(), zone.records.back());
  EXPECT_EQ(back.records.back().owner, N("host49997.big.example."));
  EXPECT_EQ(back.serial, 7u);
  EXPECT_EQ(back, zone);
}

TEST_F(ZoneStoreTest, SaveReplacesTheWholeCopy) {
  auto store = Open();
  ASSERT_TRUE(store->Save(MakeZone("example.", 1, 100)).has_value());
  StoredZone newer = MakeZone("example.", 2, 3);
  newer.transferred_at = kNow + 60;
  ASSERT_TRUE(store->Save(newer).has_value());
  StoredZone back = MustLoad(*store, N("example."));
  EXPECT_EQ(back, newer);
  EXPECT_EQ(back.records.size(), 5u);
  EXPECT_EQ(store->Zones().size(), 1u);
}

TEST_F(ZoneStoreTest, TouchChangesOnlyTheTime) {
  auto store = Open();
  StoredZone zone = MakeZone("example.", 42, 20);
  ASSERT_TRUE(store->Save(zone).has_value());
  ASSERT_TRUE(store->Touch(N("EXAMPLE."), kNow + 3600).has_value());
  StoredZone back = MustLoad(*store, N("example."));
  EXPECT_EQ(back.transferred_at, kNow + 3600);
  back.transferred_at = zone.transferred_at;
  EXPECT_EQ(back, zone);

  auto missing = store->Touch(N("other.example."), kNow);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("no stored copy"), std::string::npos) << missing.error();
  EXPECT_EQ(store->Zones().size(), 1u) << "touching an absent zone creates nothing";
}

TEST_F(ZoneStoreTest, ACopySurvivesClosingAndReopening) {
  StoredZone zone = MakeZone("example.", 9, 500);
  {
    auto store = Open();
    ASSERT_TRUE(store->Save(zone).has_value());
    ASSERT_TRUE(store->Touch(zone.apex, kNow + 5).has_value());
  }
  auto store = Open();
  zone.transferred_at = kNow + 5;
  EXPECT_EQ(MustLoad(*store, zone.apex), zone);
}

TEST_F(ZoneStoreTest, AFutureVersionLoadsAsAbsentWithAReason) {
  auto store = Open();
  StoredZone zone = MakeZone("example.", 3, 5);
  auto image = *EncodeZoneImage(zone);
  image[3] = 2;
  ASSERT_TRUE(store->PutRawImageForTest(zone.apex, image, kNow).has_value());
  auto loaded = store->Load(zone.apex);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().find("version 2"), std::string::npos) << loaded.error();
  EXPECT_NE(loaded.error().find("example."), std::string::npos) << loaded.error();
  EXPECT_TRUE(store->Zones().empty()) << "an image this build cannot read has no readable apex";
  // A fresh transfer replaces it.
  ASSERT_TRUE(store->Save(zone).has_value());
  EXPECT_EQ(MustLoad(*store, zone.apex), zone);
}

TEST_F(ZoneStoreTest, AnImageUnderAnotherApexIsRefused) {
  auto store = Open();
  auto image = *EncodeZoneImage(MakeZone("example.org.", 3, 2));
  ASSERT_TRUE(store->PutRawImageForTest(N("example.com."), image, kNow).has_value());
  auto loaded = store->Load(N("example.com."));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().find("its apex is example.org."), std::string::npos) << loaded.error();
}

TEST_F(ZoneStoreTest, EveryTruncationOfAnImageIsAnError) {
  StoredZone zone = MakeZone("example.", 3, 3);
  auto image = *EncodeZoneImage(zone);
  ASSERT_TRUE(DecodeZoneImage(image).has_value());
  for (size_t length = 0; length < image.size(); ++length) {
    // A copy of exactly `length` octets, so ASan sees any read past it.
    std::vector<uint8_t> cut(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(length));
    auto decoded = DecodeZoneImage(cut);
    EXPECT_FALSE(decoded.has_value()) << "length " << length;
  }
  auto store = Open();
  std::vector<uint8_t> cut(image.begin(), image.end() - 1);
  ASSERT_TRUE(store->PutRawImageForTest(zone.apex, cut).has_value());
  auto loaded = store->Load(zone.apex);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().find("treated as absent"), std::string::npos) << loaded.error();
}

TEST_F(ZoneStoreTest, CountsAndTrailingOctetsMustAgree) {
  auto image = *EncodeZoneImage(MakeZone("example.", 3, 3));  // 5 records.
  auto more = image;
  more[11] = 6;
  auto decoded = DecodeZoneImage(more);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.error().find("record 5 of 6"), std::string::npos) << decoded.error();
  auto fewer = image;
  fewer[11] = 4;
  decoded = DecodeZoneImage(fewer);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.error().find("after the last of 4 records"), std::string::npos)
      << decoded.error();
  auto trailing = image;
  trailing.push_back(0);
  EXPECT_FALSE(DecodeZoneImage(trailing).has_value());
  auto huge = image;
  huge[8] = 0xFF;
  decoded = DecodeZoneImage(huge);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.error().find("cannot fit"), std::string::npos) << decoded.error();
}

TEST_F(ZoneStoreTest, BadNamesAreErrors) {
  StoredZone zone;
  zone.apex = N("example.");
  zone.records.push_back(Rec("example.", dns::RrType::A, {192, 0, 2, 1}));
  auto image = *EncodeZoneImage(zone);
  const size_t owner_at = 12 + zone.apex.WireLength();
  auto pointer = image;  // The owner becomes a compression pointer to the apex.
  pointer[owner_at] = 0xC0;
  pointer[owner_at + 1] = 12;
  EXPECT_FALSE(DecodeZoneImage(pointer).has_value());
  auto reserved = image;  // Label type 0b01 (RFC 6891 section 5).
  reserved[owner_at] = 0x41;
  EXPECT_FALSE(DecodeZoneImage(reserved).has_value());
  auto magic = image;
  magic[0] = 'X';
  auto decoded = DecodeZoneImage(magic);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.error().find("no RDZ magic"), std::string::npos);
}

TEST_F(ZoneStoreTest, RandomOctetsNeverCrashTheDecoder) {
  std::mt19937 random(20240601);
  auto image = *EncodeZoneImage(MakeZone("example.", 3, 4));
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> bytes;
    if (i % 2 == 0) {
      bytes.resize(random() % 300);
      for (auto& b : bytes) b = static_cast<uint8_t>(random());
    } else {  // A real image with a few octets flipped, to get past the header.
      bytes = image;
      for (int flips = 1 + static_cast<int>(random() % 4); flips > 0; --flips) {
        bytes[random() % bytes.size()] = static_cast<uint8_t>(random());
      }
    }
    auto decoded = DecodeZoneImage(bytes);
    if (decoded) {
      auto again = EncodeZoneImage(*decoded);
      ASSERT_TRUE(again.has_value());
      EXPECT_EQ(*again, bytes) << "iteration " << i;
    }
  }
}

TEST_F(ZoneStoreTest, OverlongRdataDoesNotEncode) {
  StoredZone zone = MakeZone("example.", 1, 0);
  zone.records.push_back(Rec("example.", dns::RrType::TXT, std::vector<uint8_t>(65536, 'x')));
  auto image = EncodeZoneImage(zone);
  ASSERT_FALSE(image.has_value());
  EXPECT_NE(image.error().find("over 65535"), std::string::npos) << image.error();
}

TEST_F(ZoneStoreTest, AZoneTooBigForTheMapFailsAndKeepsTheOldCopy) {
  auto store = Open(size_t{1} << 20);
  StoredZone small = MakeZone("example.", 1, 10);
  ASSERT_TRUE(store->Save(small).has_value());
  StoredZone big = MakeZone("example.", 2, 5000, 1100);
  ASSERT_GT(EncodeZoneImage(big)->size(), size_t{5} << 20);
  auto saved = store->Save(big);
  ASSERT_FALSE(saved.has_value());
  EXPECT_NE(saved.error().find("MDB_MAP_FULL"), std::string::npos) << saved.error();
  EXPECT_NE(saved.error().find("previous copy"), std::string::npos) << saved.error();
  std::printf("[ZoneStore] map full message: %s\n", saved.error().c_str());
  EXPECT_EQ(MustLoad(*store, small.apex), small);
  ASSERT_TRUE(store->Touch(small.apex, kNow + 1).has_value())
      << "the store still takes small writes";
}

TEST_F(ZoneStoreTest, RemoveAndZones) {
  auto store = Open();
  for (const char* apex : {"sub.example.", ".", "Example."}) {
    ASSERT_TRUE(store->Save(MakeZone(apex, 1, 2)).has_value());
  }
  auto zones = store->Zones();
  ASSERT_EQ(zones.size(), 3u);
  EXPECT_EQ(zones[0], N("."));  // Key order: parents before children.
  EXPECT_TRUE(zones[1].IdenticalTo(N("Example.")));
  EXPECT_EQ(zones[2], N("sub.example."));

  ASSERT_TRUE(store->Remove(N("example.")).has_value());
  auto gone = store->Load(N("example."));
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(MustLoad(*store, N("sub.example.")).apex, N("sub.example."));
  EXPECT_EQ(store->Zones().size(), 2u);
  EXPECT_TRUE(store->Remove(N("example.")).has_value()) << "removing an absent zone succeeds";
  EXPECT_FALSE(store->Touch(N("example."), kNow).has_value()) << "its time went with it";
}

// kill -9 while a child process saves two copies in turn: the store then holds one of them whole.
// SIGCHLD is ignored so the kernel reaps the child (the cache layer's include rules leave out
// <sys/wait.h>); the child is gone once kill(pid, 0) fails.
TEST_F(ZoneStoreTest, KillNineDuringSavesLeavesOneWholeCopy) {
  StoredZone a = MakeZone("example.", 1, 4000), b = MakeZone("example.", 2, 6000, 20);
  ASSERT_TRUE(Open()->Save(a).has_value());
  auto previous = std::signal(SIGCHLD, SIG_IGN);
  for (int round = 0; round < 4; ++round) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto store = ZoneStore::Open(ZoneStoreOptions{dir_.string(), size_t{64} << 20});
      if (!store) _exit(2);
      for (;;) {
        (void)(*store)->Save(round % 2 == 0 ? b : a);
        (void)(*store)->Save(round % 2 == 0 ? a : b);
      }
    }
    usleep(static_cast<useconds_t>(20'000 + 15'000 * round));
    EXPECT_EQ(kill(child, 0), 0) << "the child ended by itself";
    kill(child, SIGKILL);
    for (int i = 0; i < 5000 && kill(child, 0) == 0; ++i) usleep(1000);
    ASSERT_NE(kill(child, 0), 0) << "the child outlived SIGKILL";
    auto store = Open();
    StoredZone back = MustLoad(*store, a.apex);
    std::printf("[ZoneStore] kill -9 round %d: serial %u survived\n", round, back.serial);
    EXPECT_TRUE(back == a || back == b) << "round " << round << ": serial " << back.serial << ", "
                                        << back.records.size() << " records";
  }
  std::signal(SIGCHLD, previous);
}

}  // namespace
}  // namespace redoubt::cache
