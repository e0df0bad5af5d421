#include "crypto/random.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// Source ports (RFC 5452 section 9.2) come from 2-octet draws: the whole range is reached, both
// ends, and nothing outside it (a wrong rejection limit would skew or overflow here).
TEST(RandomTest, NarrowDrawsCoverTheirWholeRange) {
  uint64_t lowest = 65535, highest = 0;
  int upper_half = 0;
  for (int i = 0; i < 4000; ++i) {
    uint64_t port = RandomInRange(1024, 65535);
    ASSERT_GE(port, 1024u);
    ASSERT_LE(port, 65535u);
    lowest = std::min(lowest, port);
    highest = std::max(highest, port);
    upper_half += port > 33279;  // Midpoint of [1024, 65535].
  }
  EXPECT_LT(lowest, 1024u + 200);
  EXPECT_GT(highest, 65535u - 200);
  EXPECT_NEAR(upper_half, 2000, 200);  // ~6 standard deviations.
  int high = 0;                        // One past 16 bits takes the 4-octet width.
  for (int i = 0; i < 2000; ++i) high += RandomInRange(0, 65536) > 32768;
  EXPECT_NEAR(high, 1000, 150);
  // Ranges of exactly 2^16 and 2^32 values fill their width and reject nothing (a limit
  // computed as 0 there loops forever).
  int top_half = 0;
  for (int i = 0; i < 2000; ++i) top_half += RandomInRange(0, 65535) > 32767;
  EXPECT_NEAR(top_half, 1000, 150);
  uint64_t wide_highest = 0;
  for (int i = 0; i < 200; ++i) wide_highest = std::max(wide_highest, RandomInRange(0, 0xffffffffu));
  EXPECT_GT(wide_highest, 0xf0000000u);  // Fails with chance (15/16)^200.
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
