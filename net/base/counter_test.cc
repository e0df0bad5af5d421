#include "net/base/counter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>

namespace redoubt {
namespace {

TEST(CounterTest, StartsAtZeroAndCounts) {
  Counter c;
  EXPECT_EQ(c.load(), 0u);
  ++c;
  EXPECT_EQ(c++, 1u);
  c += 5;
  EXPECT_EQ(c, 7u);  // Implicit read.
}

TEST(CounterTest, CopiesTakeTheValue) {
  Counter a(3);
  Counter b = a;
  ++a;
  EXPECT_EQ(b.load(), 3u);
  b = a;
  EXPECT_EQ(b.load(), 4u);
}

struct ExampleStats {
  Counter queries;
  Counter replies;
};

TEST(CounterTest, StatsStructsStayCopyableSnapshots) {
  ExampleStats live;
  ++live.queries;
  ExampleStats snapshot = live;
  ++live.queries;
  EXPECT_EQ(snapshot.queries, 1u);
  EXPECT_EQ(snapshot.replies, 0u);
  EXPECT_EQ(live.queries, 2u);
}

// One writer, one concurrent reader: the final value is exact and the reader never sees the
// counter go backwards. Run under TSan this also shows the reads are race-free.
TEST(CounterTest, ReaderOnAnotherThreadSeesMonotonicValues) {
  constexpr uint64_t kIncrements = 1'000'000;
  Counter counter;
  std::atomic<bool> reading{false};
  std::atomic<bool> done{false};
  uint64_t reads = 0;
  bool decreased = false;

  std::thread reader([&] {
    uint64_t last = 0;
    do {
      uint64_t now = counter.load();
      if (now < last) decreased = true;
      last = now;
      ++reads;
      reading.store(true, std::memory_order_relaxed);
    } while (!done.load(std::memory_order_acquire));
  });
  std::thread writer([&] {
    while (!reading.load(std::memory_order_relaxed)) std::this_thread::yield();  // Overlap.
    for (uint64_t i = 0; i < kIncrements; ++i) ++counter;
  });
  writer.join();
  done.store(true, std::memory_order_release);
  reader.join();

  EXPECT_EQ(counter.load(), kIncrements);
  EXPECT_FALSE(decreased);
  EXPECT_GT(reads, 0u);
}

}  // namespace
}  // namespace redoubt
