#include "crypto/random.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace redoubt::crypto {
namespace {

TEST(RandomTest, ValuesDifferAcrossCalls) {
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(RandomU64());
  EXPECT_EQ(seen.size(), 1000u);  // A collision in 1000 64-bit draws means a broken source.
  std::set<uint16_t> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(RandomU16());
  EXPECT_GT(ids.size(), 950u);  // Birthday bound for 1000 of 65536 is ~7.4 collisions.
}

TEST(RandomTest, RangeBoundsAreRespectedAndCovered) {
  std::set<uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    uint64_t v = RandomInRange(1024, 1039);
    ASSERT_GE(v, 1024u);
    ASSERT_LE(v, 1039u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 16u);  // 2000 draws over 16 values reach every one.
  EXPECT_EQ(RandomInRange(7, 7), 7u);
}

TEST(RandomTest, RangeIsRoughlyUniform) {
  int low = 0;
  for (int i = 0; i < 10000; ++i) low += RandomInRange(0, 2) == 0;
  EXPECT_NEAR(low, 3333, 300);  // ~6.6 standard deviations.
}

TEST(RandomTest, FillsBytes) {
  uint8_t a[32] = {}, b[32] = {};
  RandomBytes(a);
  RandomBytes(b);
  EXPECT_NE(0, std::memcmp(a, b, sizeof a));
}

// The per-thread store (random.cc): draws that cross a refill, and large requests that bypass
// it, still never repeat; threads never share octets.
TEST(RandomTest, DrawsAcrossRefillsAndLargeRequestsNeverRepeat) {
  std::set<uint64_t> seen;
  for (int i = 0; i < 5000; ++i) seen.insert(RandomU64());  // About 40 refills of the store.
  EXPECT_EQ(seen.size(), 5000u);
  std::vector<uint8_t> large(4096), again(4096);
  RandomBytes(large);
  RandomBytes(again);
  EXPECT_NE(large, again);
  uint8_t odd[7];
  std::set<std::vector<uint8_t>> pieces;
  for (int i = 0; i < 500; ++i) {  // Sizes that do not divide the store.
    RandomBytes(odd);
    pieces.emplace(odd, odd + sizeof odd);
  }
  EXPECT_EQ(pieces.size(), 500u);
}

TEST(RandomTest, ThreadsDrawTheirOwnOctets) {
  std::vector<uint64_t> a, b;
  std::thread other([&] {
    for (int i = 0; i < 200; ++i) b.push_back(RandomU64());
  });
  for (int i = 0; i < 200; ++i) a.push_back(RandomU64());
  other.join();
  std::set<uint64_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), 400u);
}

}  // namespace
}  // namespace redoubt::crypto
